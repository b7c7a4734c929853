"""The migration path (DESIGN §13) at the SQL level: the feature flag, the legacy validate / hold /
confirm adapters and their contextVersion, and the old design's races, now closed."""

from datetime import timedelta

import psycopg
import pytest

from tests.support import (
    EVENING,
    call,
    expire_hold,
    hold,
    ledger,
    overlapping_allocations,
    raises_code,
    wait_until_blocked,
)

FLAG = "use-new-manual-assignment-flow"


def flags(conn, staff=None, restaurant=None) -> dict:
    return {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            "SELECT flag, enabled, decided_by FROM api.get_feature_flags(%s, %s)", (staff, restaurant)
        )
    }


def set_flag(conn, enabled, restaurant=None, staff=None):
    return call(conn, "set_feature_flag", FLAG, enabled, restaurant, staff)


def version(conn, staff, booking) -> str:
    return call(conn, "get_legacy_context", staff, booking)["context_version"]


# --- the flag ----------------------------------------------------------------------------------


def test_flag_most_specific_setting_wins(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    assert flags(conn)[FLAG] == (True, "global")
    set_flag(conn, False)
    assert flags(conn, hana, floor.id)[FLAG] == (False, "global")
    set_flag(conn, True, restaurant=floor.id)
    assert flags(conn, hana, floor.id)[FLAG] == (True, "restaurant")
    assert flags(conn, hana, None)[FLAG] == (False, "global")
    set_flag(conn, False, staff=hana)
    assert flags(conn, hana, floor.id)[FLAG] == (False, "staff")
    assert flags(conn, hugo, floor.id)[FLAG] == (True, "restaurant")
    set_flag(conn, True, restaurant=floor.id, staff=hana)
    assert flags(conn, hana, floor.id)[FLAG] == (True, "staff in restaurant")
    set_flag(conn, None, restaurant=floor.id, staff=hana)  # cleared: inherits again
    assert flags(conn, hana, floor.id)[FLAG] == (False, "staff")
    set_flag(conn, True, staff=hana)  # setting again replaces, never duplicates
    assert conn.execute("SELECT count(*) FROM seating.feature_flag_overrides").fetchone()[0] == 2


def test_me_reports_memberships_and_flags(conn, floor):
    hana = floor.staff["Hana Host"]
    me = call(conn, "get_me", hana)
    assert me["display_name"] == "Hana Host"
    assert me["memberships"] == [
        {
            "restaurantId": str(floor.id),
            "restaurantName": "Test Bistro",
            "timezone": "UTC",
            "role": "host",
            "flags": {FLAG: True},
        }
    ]
    assert me["flags"] == {FLAG: True}
    set_flag(conn, False, restaurant=floor.id)
    me = call(conn, "get_me", hana)
    assert me["flags"] == {FLAG: False} and me["memberships"][0]["flags"] == {FLAG: False}
    assert call(conn, "get_me", floor.staff["Otto Outsider"])["memberships"] == []


def test_flag_errors(conn, floor):
    with raises_code("INVALID_INPUT"):
        call(conn, "set_feature_flag", "no-such-flag", True, None, None)
    with raises_code("INVALID_INPUT"):
        set_flag(conn, None)
    with raises_code("INVALID_INPUT"):
        set_flag(conn, True, restaurant=floor.staff["Hana Host"])  # not a restaurant id
    with raises_code("STAFF_NOT_FOUND"):
        set_flag(conn, True, staff=floor.id)


def test_the_app_role_cannot_set_flags(conn, floor):
    conn.execute("SET ROLE seating_app")
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            set_flag(conn, False)
    finally:
        conn.execute("RESET ROLE")


# --- the legacy three steps --------------------------------------------------------------------


def test_a_full_legacy_assignment(conn, floor):
    hana = floor.staff["Hana Host"]
    booking = floor.booking(party_size=4)
    context = call(conn, "get_legacy_context", hana, booking)
    v = context["context_version"]
    assert len(v) == 32 and {t["state"] for t in context["tables"]} <= {"free", "inactive"}

    checked = call(conn, "legacy_validate", hana, booking, floor.ids("T3"), v, None)
    assert checked["valid"] and checked["context_version"] == v

    held = call(conn, "legacy_hold", hana, booking, floor.ids("T3"), v, None)
    assert held["table_ids"] == floor.ids("T3") and held["expires_at"] is not None
    assert held["context_version"] == v  # the caller's own hold never makes their view stale
    # a legacy hold is a session underneath, readable through the new API
    assert call(conn, "get_session", hana, held["hold_id"])["status"] == "HELD"
    # validating again sees the caller's own hold as theirs, not as a conflict
    assert call(conn, "legacy_validate", hana, booking, floor.ids("T3"), v, None)["valid"]

    done = call(conn, "legacy_confirm", hana, held["hold_id"], v)
    assert done["table_ids"] == floor.ids("T3") and done["assigned_by"] == hana
    # a retried confirm (the answer was lost) returns the same assignment, not STALE_CONTEXT
    assert call(conn, "legacy_confirm", hana, held["hold_id"], v)["assigned_at"] == done["assigned_at"]
    assert conn.execute("SELECT status FROM seating.bookings WHERE id = %s", (booking,)).fetchone()[0] == "confirmed"
    assert [(r["table_number"], r["kind"]) for r in ledger(conn, booking)] == [("T3", "assignment")]

    # a second legacy round moves the party: confirm replaces the assignment, never adds to it
    v = version(conn, hana, booking)
    moved = call(conn, "legacy_hold", hana, booking, floor.ids("T4"), v, None)
    call(conn, "legacy_confirm", hana, moved["hold_id"], None)
    assert [(r["table_number"], r["kind"]) for r in ledger(conn, booking)] == [("T4", "assignment")]
    assert (
        conn.execute(
            "SELECT count(*) FROM seating.booking_table_assignments WHERE booking_id = %s AND released_at IS NULL",
            (booking,),
        ).fetchone()[0]
        == 1
    )
    assert conn.execute("SELECT count(*) FROM api.check_integrity()").fetchone()[0] == 0


def test_legacy_release_and_failures_change_nothing(conn, floor):
    hana = floor.staff["Hana Host"]
    booking = floor.booking(party_size=4)
    v = version(conn, hana, booking)
    held = call(conn, "legacy_hold", hana, booking, floor.ids("T3"), v, None)
    with raises_code("VALIDATION_FAILED") as info:  # T1 seats 2: the failing hold changes nothing
        call(conn, "legacy_hold", hana, booking, floor.ids("T1"), v, None)
    assert any(c["id"] == "capacity" and c["severity"] == "error" for c in info.details["checks"])
    assert [r["table_number"] for r in ledger(conn, booking)] == ["T3"]
    with raises_code("INVALID_INPUT"):
        call(conn, "legacy_hold", hana, booking, floor.ids("T3"), None, None)

    released = call(conn, "legacy_release_hold", hana, held["hold_id"])
    assert released["status"] == "CANCELLED" and ledger(conn, booking) == []
    assert call(conn, "legacy_release_hold", hana, held["hold_id"])["status"] == "CANCELLED"
    with raises_code("SESSION_CLOSED"):
        call(conn, "legacy_confirm", hana, held["hold_id"], None)


def test_a_stale_context_is_refused_with_the_current_version(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking, other = floor.booking(party_size=4), floor.booking(party_size=4)
    v = version(conn, hana, booking)
    hold(conn, hugo, other, floor.ids("T4"))  # a relevant change: T4, during Hana's booking's window
    current = version(conn, hana, booking)
    assert current != v
    with raises_code("STALE_CONTEXT") as info:
        call(conn, "legacy_validate", hana, booking, floor.ids("T3"), v, None)
    assert info.details["contextVersion"] == current
    with raises_code("STALE_CONTEXT"):
        call(conn, "legacy_hold", hana, booking, floor.ids("T3"), v, None)
    assert ledger(conn, booking) == []  # the refused hold left nothing behind
    held = call(conn, "legacy_hold", hana, booking, floor.ids("T3"), current, None)
    hold(conn, hugo, other, floor.ids("T4", "T5"), False)  # relevant again
    with raises_code("STALE_CONTEXT"):
        call(conn, "legacy_confirm", hana, held["hold_id"], current)
    assert call(conn, "legacy_confirm", hana, held["hold_id"], None)["table_ids"] == floor.ids("T3")


def test_context_version_ignores_unrelated_changes(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking = floor.booking(party_size=4)
    v = version(conn, hana, booking)
    later = floor.booking(party_size=4, start=EVENING + timedelta(hours=3))
    hold(conn, hugo, later, floor.ids("T3"))  # the same table, another time
    conn.execute("UPDATE seating.bookings SET party_size = 3, guest_name = 'Someone else' WHERE id = %s", (later,))
    elsewhere = type(floor)(conn)  # another restaurant, at the same time
    elsewhere.table("X1", 4)
    elsewhere.person("Eve Elsewhere", "host")
    hold(conn, elsewhere.staff["Eve Elsewhere"], elsewhere.booking(party_size=4), elsewhere.ids("X1"))
    # Hana's own hold and its refresh: her own session never counts
    call(conn, "legacy_hold", hana, booking, floor.ids("T3"), v, None)
    call(conn, "legacy_hold", hana, booking, floor.ids("T3"), v, None)
    assert version(conn, hana, booking) == v


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE seating.bookings SET party_size = 5 WHERE id = %(booking)s",
        "UPDATE seating.table_inventory SET active = false WHERE id = %(t4)s",
        "UPDATE seating.restaurants SET slack_budget = 1 WHERE id = %(restaurant)s",
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%(restaurant)s, %(t4)s, 'maintenance',"
        " tstzrange(%(start)s, %(start)s + interval '1 hour'), 'wobbly leg')",
    ],
)
def test_context_version_follows_relevant_changes(conn, floor, change):
    hana = floor.staff["Hana Host"]
    booking = floor.booking(party_size=4)
    v = version(conn, hana, booking)
    conn.execute(change, {"booking": booking, "t4": floor.tables["T4"], "restaurant": floor.id, "start": EVENING})
    assert version(conn, hana, booking) != v


def test_context_version_changes_when_a_hold_expires(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking, other = floor.booking(party_size=4), floor.booking(party_size=4)
    held = hold(conn, hugo, other, floor.ids("T4"))
    v = version(conn, hana, booking)
    call(conn, "create_session_hold", hugo, other, floor.ids("T4"), None)  # a refresh: same answer
    assert version(conn, hana, booking) == v
    expire_hold(conn, held["id"])  # T4 is free again: the answer changed, with no write by anyone
    assert version(conn, hana, booking) != v


# --- the old design's races, now closed --------------------------------------------------------


def test_two_hosts_racing_through_the_legacy_flow_never_double_book(conn, floor, connect, pool):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    first, second = floor.booking(party_size=4), floor.booking(party_size=4)
    # Both read the floor plan and validate T3: both see it free (the old race's first half).
    va, vb = version(conn, hana, first), version(conn, hugo, second)
    assert call(conn, "legacy_validate", hana, first, floor.ids("T3"), va, None)["valid"]
    assert call(conn, "legacy_validate", hugo, second, floor.ids("T3"), vb, None)["valid"]

    a = connect(autocommit=False)
    won = call(a, "legacy_hold", hana, first, floor.ids("T3"), va, None)  # open transaction
    b = connect()
    future = pool.submit(call, b, "legacy_hold", hugo, second, floor.ids("T3"), vb, None)
    wait_until_blocked(conn, b.info.backend_pid)
    a.commit()
    with raises_code("STALE_CONTEXT"):
        future.result(timeout=10)

    # Hugo reads again: T3 is held by Hana, so his hold cannot pass.
    context = call(conn, "get_legacy_context", hugo, second)
    assert next(t for t in context["tables"] if t["tableNumber"] == "T3")["state"] == "held"
    with raises_code("VALIDATION_FAILED") as info:
        call(conn, "legacy_hold", hugo, second, floor.ids("T3"), context["context_version"], None)
    assert any(c["id"] == "conflict" and c["severity"] == "error" for c in info.details["checks"])
    call(conn, "legacy_confirm", hana, won["hold_id"], va)
    assert overlapping_allocations(conn) == []
    assert conn.execute("SELECT count(*) FROM api.check_integrity()").fetchone()[0] == 0
    assert [r["booking_id"] for r in ledger(conn) if r["table_number"] == "T3"] == [first]


@pytest.mark.parametrize("first_flow", ["session", "legacy"])
def test_a_legacy_host_and_a_session_host_racing_never_double_book(conn, floor, connect, pool, first_flow):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    first, second = floor.booking(party_size=4), floor.booking(party_size=4)
    t3 = floor.ids("T3")
    a = connect(autocommit=False)
    b = connect()
    if first_flow == "session":
        vb = version(conn, hugo, second)
        assert hold(a, hana, first, t3)["status"] == "HELD"  # open transaction
        future = pool.submit(call, b, "legacy_hold", hugo, second, t3, vb, None)
        wait_until_blocked(conn, b.info.backend_pid)
        a.commit()
        with raises_code("STALE_CONTEXT"):
            future.result(timeout=10)
    else:
        va = version(conn, hana, first)
        call(a, "legacy_hold", hana, first, t3, va, None)  # open transaction
        future = pool.submit(hold, b, hugo, second, t3)
        wait_until_blocked(conn, b.info.backend_pid)
        a.commit()
        lost = future.result(timeout=10)
        assert lost["status"] == "PROPOSED"
        assert next(c for c in lost["checks"] if c["id"] == "conflict")["severity"] == "error"
    assert overlapping_allocations(conn) == []
    assert [r["booking_id"] for r in ledger(conn) if r["table_number"] == "T3"] == [first]


def test_legacy_confirm_racing_a_session_confirm_of_the_same_booking(conn, floor, connect, pool):
    """Two hosts confirm the same booking at once, one per flow: the second confirm finds its
    session superseded (the first cancelled it), and the booking has one set of tables."""
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking = floor.booking(party_size=4)
    legacy = call(conn, "legacy_hold", hana, booking, floor.ids("T3"), version(conn, hana, booking), None)
    session = hold(conn, hugo, booking, floor.ids("T4"))
    a = connect(autocommit=False)
    call(a, "legacy_confirm", hana, legacy["hold_id"], None)  # open transaction
    b = connect()
    future = pool.submit(call, b, "confirm_session", hugo, session["id"])
    wait_until_blocked(conn, b.info.backend_pid)
    a.commit()
    with raises_code("SESSION_CLOSED"):
        future.result(timeout=10)
    assert [(r["table_number"], r["kind"]) for r in ledger(conn, booking)] == [("T3", "assignment")]
    assert overlapping_allocations(conn) == []
    assert conn.execute("SELECT count(*) FROM api.check_integrity()").fetchone()[0] == 0
