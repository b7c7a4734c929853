"""What the operator's tooling calls: the in-app sweeper's tick, the retention purge and the
session counts behind /metrics."""

import psycopg

from tests.support import call, expire_hold, hold, raises_code


def counts(conn) -> dict:
    return dict(conn.execute("SELECT status, sessions FROM api.get_session_counts()").fetchall())


def test_session_counts(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    assert counts(conn) == {"PROPOSED": 0, "HELD": 0, "HELD_PAST_EXPIRY": 0}
    held = hold(conn, hana, floor.booking(party_size=4), floor.ids("T3"))
    hold(conn, hugo, floor.booking(party_size=4), floor.ids("T1"))  # too small: PROPOSED
    hold(conn, hugo, floor.booking(party_size=2), floor.ids("T2"))
    assert counts(conn) == {"PROPOSED": 1, "HELD": 2, "HELD_PAST_EXPIRY": 0}
    expire_hold(conn, held["id"])
    assert counts(conn) == {"PROPOSED": 1, "HELD": 1, "HELD_PAST_EXPIRY": 1}


def test_run_sweeper_expires_once_per_interval(conn, floor):
    held = hold(conn, floor.staff["Hana Host"], floor.booking(party_size=4), floor.ids("T3"))
    expire_hold(conn, held["id"])
    tick = call(conn, "run_sweeper", 30, 90)
    assert tick["ran"] and tick["expired"] == 1
    assert call(conn, "get_session", floor.staff["Hana Host"], held["id"])["status"] == "EXPIRED"
    again = hold(conn, floor.staff["Hugo Host"], floor.booking(party_size=4), floor.ids("T4"))
    expire_hold(conn, again["id"])
    assert not call(conn, "run_sweeper", 30, 90)["ran"]  # the last run is under an interval old
    conn.execute("UPDATE seating.sweeper_runs SET last_run_at = last_run_at - interval '31 seconds'")
    assert call(conn, "run_sweeper", 30, 90)["expired"] == 1


def test_one_sweeper_at_a_time(conn, floor, db_url):
    """While one worker's tick holds the sweeper lock, another worker's tick does nothing."""
    with psycopg.connect(db_url) as first:
        assert call(first, "run_sweeper", 30, None)["ran"]  # its transaction stays open
        conn.execute("UPDATE seating.sweeper_runs SET last_run_at = '2000-01-01'")  # due again
        assert not call(conn, "run_sweeper", 30, None)["ran"]
        first.rollback()
    assert call(conn, "run_sweeper", 30, None)["ran"]


def test_purge_history_keeps_what_is_recent_or_open(conn, floor):
    hana = floor.staff["Hana Host"]
    old = hold(conn, hana, floor.booking(party_size=4), floor.ids("T3"))
    call(conn, "confirm_session", hana, old["id"])
    recent = hold(conn, hana, floor.booking(party_size=4), floor.ids("T4"))
    call(conn, "cancel_session", hana, recent["id"])
    open_one = hold(conn, hana, floor.booking(party_size=4), floor.ids("T7"))
    conn.execute(
        "UPDATE seating.manual_assignment_sessions SET updated_at = now() - interval '100 days' WHERE id IN (%s, %s)",
        (old["id"], open_one["id"]),
    )
    call(conn, "issue_staff_token", hana)
    conn.execute("UPDATE seating.staff_tokens SET revoked_at = now() - interval '100 days'")
    call(conn, "issue_staff_token", hana)

    purged = call(conn, "purge_history", 90)
    assert (purged["sessions"], purged["session_events"], purged["staff_tokens"]) == (1, 2, 1)
    remaining = {r[0] for r in conn.execute("SELECT id FROM seating.manual_assignment_sessions")}
    assert remaining == {recent["id"], open_one["id"]}
    # the booking keeps its tables: only the session's history went
    assert (
        conn.execute("SELECT count(*) FROM seating.booking_table_assignments WHERE released_at IS NULL").fetchone()[0]
        == 1
    )
    assert conn.execute("SELECT count(*) FROM seating.staff_tokens").fetchone()[0] == 1
    with raises_code("INVALID_INPUT"):
        call(conn, "purge_history", 0)
