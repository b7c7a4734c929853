"""The session state machine (DESIGN §5): every transition, every error, the role rules."""

import uuid

import pytest

from app.db import token_hash
from tests.support import (
    Floor,
    call,
    check,
    current_tables,
    events,
    expire_hold,
    failing,
    hold,
    ledger,
    overlapping_allocations,
    raises_code,
)


def status_of(conn, staff, session_id):
    return call(conn, "get_session", staff, session_id)["status"]


def test_passing_selection_starts_a_held_session(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking(party_size=4)
    session = hold(conn, host, booking, floor.ids("T1", "T2"))
    assert session["status"] == "HELD"
    assert session["created"] is True
    assert session["created_by"] == host and session["booking_id"] == booking
    assert session["restaurant_id"] == floor.id
    assert session["proposed_tables"] == [str(t) for t in floor.ids("T1", "T2")]
    assert session["hold_expires_at"] is not None and session["last_validated_at"] is not None
    assert [(r["table_number"], r["kind"]) for r in ledger(conn)] == [("T1", "hold"), ("T2", "hold")]
    assert events(conn, session["id"]) == [(None, "HELD", "selection held")]


def test_failing_selection_starts_a_proposed_session_holding_nothing(conn, floor):
    session = hold(conn, floor.staff["Hana Host"], floor.booking(party_size=5), floor.ids("T1", "T2"))
    assert session["status"] == "PROPOSED"
    assert session["hold_expires_at"] is None
    assert failing(session) == ["capacity"]
    assert ledger(conn) == []
    assert events(conn, session["id"]) == [(None, "PROPOSED", "selection failed: capacity")]


def test_repeat_is_idempotent_same_session_same_hold_refreshed_expiry(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking(party_size=4)
    first = hold(conn, host, booking, floor.ids("T1", "T2"))
    rows_before = ledger(conn)
    conn.execute("UPDATE seating.table_holds SET expires_at = expires_at - interval '60 seconds'")
    conn.execute(
        "UPDATE seating.manual_assignment_sessions SET hold_expires_at = hold_expires_at - interval '60 seconds'"
    )
    second = hold(conn, host, booking, floor.ids("T2", "T1", "T2"))
    assert second["id"] == first["id"]
    assert second["created"] is False
    assert second["status"] == "HELD"
    assert second["hold_expires_at"] >= first["hold_expires_at"]
    assert ledger(conn) == rows_before  # the same hold, the same ledger rows
    assert len(events(conn, first["id"])) == 1  # a refresh is not a transition


def test_refresh_never_extends_past_max_hold_seconds(conn):
    floor = Floor(conn, hold_ttl_seconds=180, max_hold_seconds=300)
    floor.table("T1", 2)
    host = floor.person("Hana", "host")
    booking = floor.booking()
    first = hold(conn, host, booking, floor.ids("T1"))
    # The session first held 250 seconds ago: a refresh may add only 50 more seconds.
    conn.execute("UPDATE seating.manual_assignment_sessions SET first_held_at = now() - interval '250 seconds'")
    again = hold(conn, host, booking, floor.ids("T1"))
    first_held = conn.execute("SELECT first_held_at FROM seating.manual_assignment_sessions").fetchone()[0]
    assert again["id"] == first["id"]
    assert (again["hold_expires_at"] - first_held).total_seconds() == pytest.approx(300, abs=1)
    assert conn.execute("SELECT expires_at FROM seating.table_holds").fetchone()[0] == again["hold_expires_at"]


def test_changed_selection_swaps_the_hold_in_place(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking(party_size=4)
    first = hold(conn, host, booking, floor.ids("T1", "T2"))
    kept_row = next(r for r in ledger(conn) if r["table_number"] == "T2")
    second = hold(conn, host, booking, floor.ids("T2", "T3"))
    assert second["id"] == first["id"] and second["status"] == "HELD"
    rows = ledger(conn)
    assert [r["table_number"] for r in rows] == ["T2", "T3"]
    assert next(r for r in rows if r["table_number"] == "T2") == kept_row  # T2 held throughout
    assert events(conn, first["id"])[-1] == ("HELD", "HELD", "selection changed")


def test_failing_new_selection_returns_to_proposed_and_releases_the_hold(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking(party_size=4)
    first = hold(conn, host, booking, floor.ids("T1", "T2"))
    second = hold(conn, host, booking, floor.ids("T1"))
    assert second["id"] == first["id"] and second["status"] == "PROPOSED"
    assert second["hold_expires_at"] is None
    assert ledger(conn) == []
    assert conn.execute("SELECT count(*) FROM seating.table_holds").fetchone()[0] == 0
    third = hold(conn, host, booking, floor.ids("T3"))
    assert third["id"] == first["id"] and third["status"] == "HELD"
    assert [e[:2] for e in events(conn, first["id"])] == [(None, "HELD"), ("HELD", "PROPOSED"), ("PROPOSED", "HELD")]


def test_one_active_session_per_staff_and_booking_but_each_staff_has_their_own(conn, floor):
    booking = floor.booking(party_size=2)
    hana = hold(conn, floor.staff["Hana Host"], booking, floor.ids("T1"))
    hugo = hold(conn, floor.staff["Hugo Host"], booking, floor.ids("T2"))
    assert hana["id"] != hugo["id"]
    assert hugo["status"] == "HELD"
    # Hugo cannot take the table Hana's session holds, even for the same booking.
    hugo = hold(conn, floor.staff["Hugo Host"], booking, floor.ids("T1"))
    assert hugo["status"] == "PROPOSED" and failing(hugo) == ["conflict"]


def test_own_hold_never_conflicts_with_itself(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking(party_size=4)
    hold(conn, host, booking, floor.ids("T1", "T2"))
    again = hold(conn, host, booking, floor.ids("T1", "T2"))
    assert check(again, "conflict")["severity"] == "ok"


def test_expired_hold_reads_as_expired_and_frees_the_tables_without_a_sweep(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    session = hold(conn, hana, floor.booking(), floor.ids("T1"))
    expire_hold(conn, session["id"])
    read = call(conn, "get_session", hana, session["id"])
    assert read["status"] == "EXPIRED" and read["hold_expires_at"] is None
    other = hold(conn, hugo, floor.booking(), floor.ids("T1"))
    assert other["status"] == "HELD"
    assert [r["hold_id"] for r in ledger(conn)] == [
        conn.execute("SELECT id FROM seating.table_holds WHERE session_id = %s", (other["id"],)).fetchone()[0]
    ]


def test_a_new_call_after_expiry_starts_a_new_session(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking()
    old = hold(conn, host, booking, floor.ids("T1"))
    expire_hold(conn, old["id"])
    new = hold(conn, host, booking, floor.ids("T1"))
    assert new["id"] != old["id"] and new["created"] is True and new["status"] == "HELD"
    assert status_of(conn, host, old["id"]) == "EXPIRED"
    assert events(conn, old["id"])[-1] == ("HELD", "EXPIRED", "hold expired")


def test_confirm_assigns_tables_confirms_the_booking_and_records_history(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking(party_size=4)
    session = hold(conn, host, booking, floor.ids("T1", "T2"))
    confirmed = call(conn, "confirm_session", host, session["id"])
    assert confirmed["status"] == "CONFIRMED"
    assert confirmed["hold_expires_at"] is None
    assert confirmed["assignment"]["tableIds"] == [str(t) for t in floor.ids("T1", "T2")]
    assert confirmed["assignment"]["assignedBy"] == str(host)
    assert [(r["table_number"], r["kind"]) for r in ledger(conn)] == [("T1", "assignment"), ("T2", "assignment")]
    assert conn.execute("SELECT count(*) FROM seating.table_holds").fetchone()[0] == 0
    assert conn.execute(
        "SELECT array_agg(table_id ORDER BY table_id), min(assigned_by::text) FROM seating.booking_table_assignments"
        " WHERE booking_id = %s",
        (booking,),
    ).fetchone() == (floor.ids("T1", "T2"), str(host))
    assert conn.execute("SELECT status FROM seating.bookings WHERE id = %s", (booking,)).fetchone()[0] == "confirmed"
    assert conn.execute(
        "SELECT from_status, to_status, changed_by FROM seating.booking_status_history WHERE booking_id = %s",
        (booking,),
    ).fetchall() == [("pending", "confirmed", host)]
    assert events(conn, session["id"])[-1] == ("HELD", "CONFIRMED", "confirmed")


def test_confirm_of_a_confirmed_booking_leaves_its_status_and_history_alone(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking(status="checked_in")
    call(conn, "confirm_session", host, hold(conn, host, booking, floor.ids("T1"))["id"])
    assert conn.execute("SELECT status FROM seating.bookings WHERE id = %s", (booking,)).fetchone()[0] == "checked_in"
    assert conn.execute("SELECT count(*) FROM seating.booking_status_history").fetchone()[0] == 0


def test_confirm_twice_returns_the_session_unchanged(conn, floor):
    host = floor.staff["Hana Host"]
    session = hold(conn, host, floor.booking(), floor.ids("T1"))
    first = call(conn, "confirm_session", host, session["id"])
    second = call(conn, "confirm_session", host, session["id"])
    assert second == first


def test_reassignment_replaces_the_old_tables_and_may_share_some(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking(party_size=4)
    call(conn, "confirm_session", host, hold(conn, host, booking, floor.ids("T1", "T2"))["id"])
    # Move the party to T2+T3: T2 is covered by the booking's own assignment, no conflict.
    moved = hold(conn, host, booking, floor.ids("T2", "T3"))
    assert moved["status"] == "HELD", failing(moved)
    assert moved["created"] is True
    confirmed = call(conn, "confirm_session", host, moved["id"])
    assert confirmed["status"] == "CONFIRMED"
    assert [(r["table_number"], r["kind"]) for r in ledger(conn)] == [("T2", "assignment"), ("T3", "assignment")]
    assert current_tables(conn, booking) == floor.ids("T2", "T3")
    # The replaced assignment is history, not deleted.
    assert conn.execute(
        "SELECT table_id, release_reason FROM seating.booking_table_assignments"
        " WHERE booking_id = %s AND released_at IS NOT NULL ORDER BY table_id",
        (booking,),
    ).fetchall() == [(table, f"replaced by session {confirmed['id']}") for table in floor.ids("T1", "T2")]
    assert overlapping_allocations(conn) == []


def test_confirm_cancels_the_bookings_other_active_sessions(conn, floor):
    booking = floor.booking(party_size=2)
    hana, hugo, max_ = floor.staff["Hana Host"], floor.staff["Hugo Host"], floor.staff["Max Manager"]
    hugos = hold(conn, hugo, booking, floor.ids("T3"))
    maxs = hold(conn, max_, booking, floor.ids("T1", "T2", "T3", "T4"))  # fails: slack, conflict
    assert maxs["status"] == "PROPOSED"
    mine = hold(conn, hana, booking, floor.ids("T1"))
    call(conn, "confirm_session", hana, mine["id"])
    assert status_of(conn, hana, hugos["id"]) == "CANCELLED"
    assert status_of(conn, hana, maxs["id"]) == "CANCELLED"
    assert events(conn, hugos["id"])[-1][2].startswith("superseded")
    assert [r["table_number"] for r in ledger(conn)] == ["T1"]


def test_confirm_errors(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    proposed = hold(conn, hana, floor.booking(party_size=9), floor.ids("T1"))
    with raises_code("SESSION_NOT_HELD"):
        call(conn, "confirm_session", hana, proposed["id"])

    held = hold(conn, hana, floor.booking(), floor.ids("T2"))
    with raises_code("FORBIDDEN"):
        call(conn, "confirm_session", hugo, held["id"])

    call(conn, "cancel_session", hana, held["id"])
    with raises_code("SESSION_CLOSED"):
        call(conn, "confirm_session", hana, held["id"])

    expired = hold(conn, hana, floor.booking(), floor.ids("T3"))
    expire_hold(conn, expired["id"])
    with raises_code("HOLD_EXPIRED"):
        call(conn, "confirm_session", hana, expired["id"])
    call(conn, "expire_sessions")
    with raises_code("HOLD_EXPIRED"):
        call(conn, "confirm_session", hana, expired["id"])

    with raises_code("SESSION_NOT_FOUND"):
        call(conn, "confirm_session", hana, uuid.uuid4())
    with raises_code("INVALID_INPUT"):
        call(conn, "confirm_session", hana, None)


def test_confirm_reruns_the_checks(conn, floor):
    host, booking = floor.staff["Hana Host"], floor.booking()
    session = hold(conn, host, booking, floor.ids("T1"))
    conn.execute("UPDATE seating.table_inventory SET active = false WHERE id = %s", (floor.tables["T1"],))
    with raises_code("VALIDATION_FAILED") as error:
        call(conn, "confirm_session", host, session["id"])
    assert [c["id"] for c in error.details["checks"] if c["severity"] == "error"] == ["active"]
    # All or nothing: the session is still held, nothing was assigned.
    assert status_of(conn, host, session["id"]) == "HELD"
    assert [r["kind"] for r in ledger(conn)] == ["hold"]


def test_confirm_keeps_the_adjacency_choice_of_the_hold(conn, floor):
    host = floor.staff["Hana Host"]
    session = hold(conn, host, floor.booking(party_size=6), floor.ids("T1", "T3"), False)
    assert session["status"] == "HELD"
    assert call(conn, "confirm_session", host, session["id"])["status"] == "CONFIRMED"


def test_cancel_releases_the_hold_and_is_idempotent(conn, floor):
    host = floor.staff["Hana Host"]
    session = hold(conn, host, floor.booking(), floor.ids("T1"))
    cancelled = call(conn, "cancel_session", host, session["id"])
    assert cancelled["status"] == "CANCELLED" and cancelled["hold_expires_at"] is None
    assert ledger(conn) == []
    assert call(conn, "cancel_session", host, session["id"]) == cancelled
    assert events(conn, session["id"])[-1] == ("HELD", "CANCELLED", "cancelled")


def test_cancel_of_a_proposed_session(conn, floor):
    host = floor.staff["Hana Host"]
    session = hold(conn, host, floor.booking(party_size=9), floor.ids("T1"))
    assert call(conn, "cancel_session", host, session["id"])["status"] == "CANCELLED"


def test_cancel_of_an_expired_session_records_expiry_and_returns_it(conn, floor):
    host = floor.staff["Hana Host"]
    session = hold(conn, host, floor.booking(), floor.ids("T1"))
    expire_hold(conn, session["id"])
    assert call(conn, "cancel_session", host, session["id"])["status"] == "EXPIRED"
    assert call(conn, "cancel_session", host, session["id"])["status"] == "EXPIRED"
    assert ledger(conn) == []


def test_cancel_of_a_confirmed_session_is_refused(conn, floor):
    host = floor.staff["Hana Host"]
    session = hold(conn, host, floor.booking(), floor.ids("T1"))
    call(conn, "confirm_session", host, session["id"])
    with raises_code("SESSION_CLOSED"):
        call(conn, "cancel_session", host, session["id"])


@pytest.mark.parametrize(
    "canceller,allowed",
    [
        ("Max Manager", True),
        ("Olga Owner", True),
        ("Hugo Host", False),
        ("Sam Server", False),
        ("Otto Outsider", False),
    ],
)
def test_who_may_cancel_someone_elses_session(conn, floor, canceller, allowed):
    session = hold(conn, floor.staff["Hana Host"], floor.booking(), floor.ids("T1"))
    if allowed:
        assert call(conn, "cancel_session", floor.staff[canceller], session["id"])["status"] == "CANCELLED"
    else:
        with raises_code("FORBIDDEN"):
            call(conn, "cancel_session", floor.staff[canceller], session["id"])
        assert status_of(conn, floor.staff["Hana Host"], session["id"]) == "HELD"


@pytest.mark.parametrize(
    "person,allowed",
    [
        ("Olga Owner", True),
        ("Max Manager", True),
        ("Hana Host", True),
        ("Sam Server", False),
        ("Otto Outsider", False),
    ],
)
def test_who_may_assign(conn, floor, person, allowed):
    booking = floor.booking()
    if allowed:
        assert hold(conn, floor.staff[person], booking, floor.ids("T1"))["status"] == "HELD"
    else:
        with raises_code("FORBIDDEN"):
            hold(conn, floor.staff[person], booking, floor.ids("T1"))
        assert conn.execute("SELECT count(*) FROM seating.manual_assignment_sessions").fetchone()[0] == 0


def test_servers_may_read_outsiders_may_not(conn, floor):
    session = hold(conn, floor.staff["Hana Host"], floor.booking(), floor.ids("T1"))
    assert call(conn, "get_session", floor.staff["Sam Server"], session["id"])["id"] == session["id"]
    with raises_code("FORBIDDEN"):
        call(conn, "get_session", floor.staff["Otto Outsider"], session["id"])
    with raises_code("SESSION_NOT_FOUND"):
        call(conn, "get_session", floor.staff["Sam Server"], uuid.uuid4())


def test_a_staff_member_losing_their_role_cannot_confirm(conn, floor):
    host = floor.staff["Hana Host"]
    session = hold(conn, host, floor.booking(), floor.ids("T1"))
    conn.execute("UPDATE seating.restaurant_memberships SET role = 'server' WHERE staff_id = %s", (host,))
    with raises_code("FORBIDDEN"):
        call(conn, "confirm_session", host, session["id"])


def test_hold_input_errors_are_all_or_nothing(conn, floor):
    host = floor.staff["Hana Host"]
    with raises_code("BOOKING_NOT_FOUND"):
        hold(conn, host, uuid.uuid4(), floor.ids("T1"))
    with raises_code("INVALID_INPUT"):
        hold(conn, host, floor.booking(), [])
    with raises_code("INVALID_INPUT"):
        hold(conn, None, floor.booking(), floor.ids("T1"))
    with raises_code("UNKNOWN_TABLES"):
        hold(conn, host, floor.booking(), [floor.tables["T1"], uuid.uuid4()])
    assert conn.execute("SELECT count(*) FROM seating.manual_assignment_sessions").fetchone()[0] == 0
    assert ledger(conn) == []


def test_closed_bookings_cannot_be_held(conn, floor):
    session = hold(conn, floor.staff["Hana Host"], floor.booking(status="completed"), floor.ids("T1"))
    assert session["status"] == "PROPOSED" and failing(session) == ["booking_status"]


def test_a_proposed_session_past_its_maximum_hold_time_is_superseded(conn):
    floor = Floor(conn, hold_ttl_seconds=60, max_hold_seconds=120)
    floor.table("T1", 2)
    host = floor.person("Hana", "host")
    booking = floor.booking()
    old = hold(conn, host, booking, floor.ids("T1"))
    hold(conn, host, booking, [floor.table("T9", 9)])  # fails: slack; back to PROPOSED
    conn.execute("UPDATE seating.manual_assignment_sessions SET first_held_at = now() - interval '121 seconds'")
    new = hold(conn, host, booking, floor.ids("T1"))
    assert new["id"] != old["id"] and new["status"] == "HELD" and new["hold_expires_at"] is not None
    assert status_of(conn, host, old["id"]) == "CANCELLED"


def test_sweeper_expires_only_past_holds_and_records_it(conn, floor):
    host = floor.staff["Hana Host"]
    past = hold(conn, host, floor.booking(), floor.ids("T1"))
    live = hold(conn, host, floor.booking(), floor.ids("T2"))
    expire_hold(conn, past["id"])
    assert call(conn, "expire_sessions")["expire_sessions"] == 1
    assert call(conn, "expire_sessions")["expire_sessions"] == 0
    assert (
        conn.execute("SELECT status FROM seating.manual_assignment_sessions WHERE id = %s", (past["id"],)).fetchone()[0]
        == "EXPIRED"
    )
    assert status_of(conn, host, live["id"]) == "HELD"
    assert [r["table_number"] for r in ledger(conn)] == ["T2"]
    assert conn.execute(
        "SELECT from_status, to_status, actor FROM seating.session_events"
        " WHERE session_id = %s ORDER BY id DESC LIMIT 1",
        (past["id"],),
    ).fetchone() == ("HELD", "EXPIRED", None)


def test_tokens_authenticate_until_revoked(conn, floor):
    host = floor.staff["Hana Host"]
    token = call(conn, "issue_staff_token", host)["issue_staff_token"]
    assert token.startswith("sat_") and len(token) > 40
    assert call(conn, "authenticate_staff", token_hash(token))["authenticate_staff"] == host
    assert (
        conn.execute(
            "SELECT count(*) FROM seating.staff_tokens WHERE token_hash = convert_to(%s, 'UTF8')", (token,)
        ).fetchone()[0]
        == 0
    )  # only the hash is stored
    assert call(conn, "revoke_staff_tokens", host)["revoke_staff_tokens"] == 1
    with raises_code("UNAUTHENTICATED"):
        call(conn, "authenticate_staff", token_hash(token))
    with raises_code("UNAUTHENTICATED"):
        call(conn, "authenticate_staff", None)
    with raises_code("STAFF_NOT_FOUND"):
        call(conn, "issue_staff_token", uuid.uuid4())


@pytest.mark.parametrize("closed", ["completed", "cancelled", "no_show"])
def test_closing_a_booking_frees_its_tables_and_cancels_its_sessions(conn, floor, closed):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking = floor.booking()
    call(conn, "confirm_session", hana, hold(conn, hana, booking, floor.ids("T1"))["id"])
    pending = hold(conn, hugo, booking, floor.ids("T2"))
    conn.execute("UPDATE seating.bookings SET status = %s WHERE id = %s", (closed, booking))
    assert ledger(conn) == []
    assert status_of(conn, hugo, pending["id"]) == "CANCELLED"
    assert events(conn, pending["id"])[-1] == ("HELD", "CANCELLED", f"booking {closed}")
    assert hold(conn, hana, floor.booking(), floor.ids("T1", "T2"))["status"] == "HELD"
    # The confirmed record stays as history, released: never the booking's current assignment again.
    assert (
        conn.execute(
            "SELECT count(*) FROM seating.booking_table_assignments WHERE booking_id = %s", (booking,)
        ).fetchone()[0]
        == 1
    )
    assert current_tables(conn, booking) == []


def test_a_hold_on_the_bookings_own_tables_still_blocks_its_other_sessions(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking = floor.booking()
    call(conn, "confirm_session", hana, hold(conn, hana, booking, floor.ids("T1"))["id"])
    again = hold(conn, hana, booking, floor.ids("T1"))  # covered by the assignment: no ledger row
    assert again["status"] == "HELD"
    other = hold(conn, hugo, booking, floor.ids("T1"))
    assert other["status"] == "PROPOSED" and failing(other) == ["conflict"]
    [blocker] = check(other, "conflict")["details"]["conflicts"]
    assert (blocker["kind"], blocker["heldByName"]) == ("hold", "Hana Host")
