"""DESIGN §9: the ledger follows its sources on every path (here: a DBA's plain SQL), history is
kept, times are finite. Each numbered case of issue 12 starts a test; api.check_integrity() is
empty after every scenario."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg
import pytest

from tests.support import (
    EVENING,
    call,
    check,
    current_tables,
    events,
    expire_hold,
    failing,
    hold,
    integrity,
    ledger,
    raises_code,
    wait_until_blocked,
)

HOUR = timedelta(hours=1)


def confirm(conn, staff, booking, tables):
    session = hold(conn, staff, booking, tables)
    assert session["status"] == "HELD", failing(session)
    return call(conn, "confirm_session", staff, session["id"])


def move(conn, booking, start, end):
    conn.execute("UPDATE seating.bookings SET start_at = %s, end_at = %s WHERE id = %s", (start, end, booking))


def window_of(conn, booking):
    return conn.execute("SELECT DISTINCT during FROM seating.allocations WHERE booking_id = %s", (booking,)).fetchall()


def status(conn, booking):
    return conn.execute("SELECT status FROM seating.bookings WHERE id = %s", (booking,)).fetchone()[0]


@pytest.fixture
def hana(floor):
    return floor.staff["Hana Host"]


# -- 1. a booking's times ------------------------------------------------------------------------


def test_a_moved_booking_takes_its_tables_to_the_new_time(conn, floor, hana):
    """Case 1: X moved from 19:00 to 22:00 keeps T1 for 22:00 and frees it at 19:00."""
    x = floor.booking(start=EVENING, minutes=120, guest="X")
    confirm(conn, hana, x, floor.ids("T1"))
    move(conn, x, EVENING + 3 * HOUR, EVENING + 4.5 * HOUR)

    [(during,)] = window_of(conn, x)
    assert (during.lower, during.upper) == (EVENING + 3 * HOUR, EVENING + 4.5 * HOUR + timedelta(minutes=5))
    assert current_tables(conn, x) == floor.ids("T1") and status(conn, x) == "confirmed"
    y = floor.booking(start=EVENING + 3 * HOUR, minutes=90, guest="Y")
    refused = hold(conn, floor.staff["Hugo Host"], y, floor.ids("T1"))
    assert failing(refused) == ["conflict"]
    assert check(refused, "conflict")["details"]["conflicts"][0]["bookingId"] == str(x)
    z = floor.booking(start=EVENING, minutes=90, guest="Z")
    assert hold(conn, floor.staff["Hugo Host"], z, floor.ids("T1"))["status"] == "HELD"
    assert integrity(conn) == []


def test_a_booking_moved_onto_a_taken_table_loses_it_and_the_loss_is_recorded(conn, floor, hana):
    x = floor.booking(party_size=4, start=EVENING, minutes=120, guest="X")
    confirm(conn, hana, x, floor.ids("T1", "T2"))
    y = floor.booking(start=EVENING + 3 * HOUR, minutes=90, guest="Y")
    confirm(conn, hana, y, floor.ids("T2"))

    move(conn, x, EVENING + 3 * HOUR, EVENING + 4.5 * HOUR)  # the guest's new time is a fact: never refused

    assert current_tables(conn, x) == floor.ids("T1")  # T1 is still free then: it stays X's
    assert current_tables(conn, y) == floor.ids("T2")
    assert [(r["table_number"], r["kind"], r["booking_id"]) for r in ledger(conn)] == [
        ("T1", "assignment", x),
        ("T2", "assignment", y),
    ]
    assert status(conn, x) == "pending_allocation"
    [(from_status, to_status, reason)] = conn.execute(
        "SELECT from_status, to_status, reason FROM seating.booking_status_history WHERE booking_id = %s"
        " AND to_status = 'pending_allocation'",
        (x,),
    ).fetchall()
    assert (from_status, to_status) == ("confirmed", "pending_allocation") and "table T2" in reason
    [(table, released_reason)] = conn.execute(
        "SELECT table_id, release_reason FROM seating.booking_table_assignments"
        " WHERE booking_id = %s AND released_at IS NOT NULL",
        (x,),
    ).fetchall()
    assert table == floor.tables["T2"] and "taken" in released_reason and "T2" in released_reason
    assert integrity(conn) == []


def test_a_held_session_on_a_taken_table_returns_to_proposed(conn, floor, hana):
    hugo = floor.staff["Hugo Host"]
    x = floor.booking(party_size=4, start=EVENING, minutes=120, guest="X")
    held = hold(conn, hana, x, floor.ids("T3"))
    kept = hold(conn, hugo, x, floor.ids("T7"))
    confirm(conn, hana, floor.booking(party_size=4, start=EVENING + 3 * HOUR, guest="Y"), floor.ids("T3"))

    move(conn, x, EVENING + 3 * HOUR, EVENING + 4.5 * HOUR)

    moved = call(conn, "get_session", hana, held["id"])
    assert moved["status"] == "PROPOSED" and failing(moved) == ["conflict"]
    assert events(conn, held["id"])[-1][:2] == ("HELD", "PROPOSED")
    assert call(conn, "get_session", hugo, kept["id"])["status"] == "HELD"  # T7 is free then: its hold follows
    assert [(r["table_number"], r["kind"]) for r in ledger(conn, x)] == [("T7", "hold")]
    [(during,)] = window_of(conn, x)
    assert during.lower == EVENING + 3 * HOUR
    assert integrity(conn) == []


def test_a_party_size_change_releases_nothing_and_flags_the_assignment(conn, floor, hana):
    x = floor.booking(party_size=2, guest="X")
    confirm(conn, hana, x, floor.ids("T1"))
    conn.execute("UPDATE seating.bookings SET party_size = 5 WHERE id = %s", (x,))
    assert current_tables(conn, x) == floor.ids("T1")
    context = call(conn, "get_assignment_context", hana, x)
    assert [c["id"] for c in context["assignment_issues"]] == ["capacity"]
    conn.execute("UPDATE seating.bookings SET party_size = 2 WHERE id = %s", (x,))
    assert call(conn, "get_assignment_context", hana, x)["assignment_issues"] == []
    conn.execute("UPDATE seating.table_inventory SET active = false WHERE id = %s", (floor.tables["T1"],))
    assert [c["id"] for c in call(conn, "get_assignment_context", hana, x)["assignment_issues"]] == ["active"]
    assert integrity(conn) == []


def test_a_booking_whose_time_is_over_cannot_be_held(conn, floor, hana):
    past = floor.booking(start=EVENING.replace(year=2020), guest="Long gone")
    refused = hold(conn, hana, past, floor.ids("T1"))
    assert failing(refused) == ["booking_status"]
    assert check(refused, "booking_status")["details"]["ended"] is True


# -- 2. closing and reopening --------------------------------------------------------------------


def test_a_reopened_booking_comes_back_without_tables(conn, floor, hana):
    """Case 2: X confirmed on T1, cancelled; Y confirmed on T1; X confirmed again has no table."""
    x = floor.booking(guest="X")
    confirm(conn, hana, x, floor.ids("T1"))
    conn.execute("UPDATE seating.bookings SET status = 'cancelled' WHERE id = %s", (x,))
    y = floor.booking(guest="Y")
    confirm(conn, hana, y, floor.ids("T1"))
    conn.execute("UPDATE seating.bookings SET status = 'confirmed' WHERE id = %s", (x,))

    assert current_tables(conn, x) == [] and current_tables(conn, y) == floor.ids("T1")
    assert call(conn, "get_assignment_context", hana, x)["current_assignment"] == []
    context_y = call(conn, "get_assignment_context", hana, y)
    assert context_y["current_assignment"] == [str(floor.tables["T1"])]
    assert conn.execute(
        "SELECT release_reason FROM seating.booking_table_assignments WHERE booking_id = %s", (x,)
    ).fetchall() == [("booking cancelled",)]
    assert integrity(conn) == []


# -- 3. deleting a table -------------------------------------------------------------------------


def test_a_table_in_use_cannot_be_deleted(conn, floor, hana):
    """Case 3: a future assignment or a live hold refuses the DELETE with TABLE_IN_USE."""
    x = floor.booking(guest="X")
    confirm(conn, hana, x, floor.ids("T1"))
    with raises_code("TABLE_IN_USE") as error:
        conn.execute("DELETE FROM seating.table_inventory WHERE id = %s", (floor.tables["T1"],))
    assert error.details["tableNumber"] == "T1"
    assert [u["bookingId"] for u in error.details["uses"]] == [str(x)]

    held = hold(conn, hana, floor.booking(guest="W"), floor.ids("T2"))
    with raises_code("TABLE_IN_USE"):
        conn.execute("DELETE FROM seating.table_inventory WHERE id = %s", (floor.tables["T2"],))
    # Deleting the zone would delete them too: refused the same way.
    with raises_code("TABLE_IN_USE"):
        conn.execute("DELETE FROM seating.zones WHERE id = %s", (floor.zones["Main"],))
    assert current_tables(conn, x) == floor.ids("T1") and status(conn, x) == "confirmed"
    assert call(conn, "get_session", hana, held["id"])["status"] == "HELD"
    assert integrity(conn) == []


def test_a_table_no_longer_in_use_is_deleted_and_its_history_kept(conn, floor, hana):
    x = floor.booking(guest="X")
    confirm(conn, hana, x, floor.ids("T1"))
    conn.execute("UPDATE seating.bookings SET status = 'completed' WHERE id = %s", (x,))
    expired = hold(conn, hana, floor.booking(guest="W"), floor.ids("T1"))
    expire_hold(conn, expired["id"])  # an expired hold does not keep a table in use

    conn.execute("DELETE FROM seating.table_inventory WHERE id = %s", (floor.tables["T1"],))
    assert conn.execute(
        "SELECT table_number, released_at IS NOT NULL FROM seating.booking_table_assignments WHERE booking_id = %s",
        (x,),
    ).fetchall() == [("T1", True)]
    assert integrity(conn) == []


def test_deleting_a_restaurant_takes_everything_with_it(conn, floor, hana):
    confirm(conn, hana, floor.booking(guest="X"), floor.ids("T1"))
    conn.execute("DELETE FROM seating.restaurants WHERE id = %s", (floor.id,))
    assert (
        conn.execute("SELECT count(*) FROM seating.table_inventory WHERE restaurant_id = %s", (floor.id,)).fetchone()[0]
        == 0
    )


# -- 4. the turnover buffer ----------------------------------------------------------------------


def set_buffer(conn, floor, minutes):
    conn.execute("UPDATE seating.restaurants SET turnover_buffer_minutes = %s WHERE id = %s", (minutes, floor.id))


def buffer_of(conn, floor):
    return conn.execute(
        "SELECT turnover_buffer_minutes FROM seating.restaurants WHERE id = %s", (floor.id,)
    ).fetchone()[0]


def test_a_longer_buffer_moves_the_ledger_and_judges_alike(conn, floor, hana):
    """Case 4: buffer 5 -> 30 after X 19:00-21:00 on T1: Y at 21:10 no longer gets T1."""
    x = floor.booking(start=EVENING, minutes=120, guest="X")
    confirm(conn, hana, x, floor.ids("T1"))
    set_buffer(conn, floor, 30)
    [(during,)] = window_of(conn, x)
    assert during.upper == EVENING + 2.5 * HOUR
    y = floor.booking(start=EVENING + timedelta(minutes=130), minutes=90, guest="Y")
    assert failing(hold(conn, hana, y, floor.ids("T1"))) == ["conflict"]

    # 30 -> 5 gives the time back: Y at 21:10 fits again.
    set_buffer(conn, floor, 5)
    [(during,)] = window_of(conn, x)
    assert during.upper == EVENING + 2 * HOUR + timedelta(minutes=5)
    assert hold(conn, hana, y, floor.ids("T1"))["status"] == "HELD"
    assert integrity(conn) == []


def test_a_buffer_that_would_collide_is_refused_whole(conn, floor, hana):
    x = floor.booking(start=EVENING, minutes=120, guest="X")
    confirm(conn, hana, x, floor.ids("T1"))
    y = floor.booking(start=EVENING + timedelta(minutes=130), minutes=90, guest="Y")
    confirm(conn, hana, y, floor.ids("T1"))
    other = floor.booking(start=EVENING, minutes=120, guest="Other")
    confirm(conn, hana, other, floor.ids("T3"))
    before = window_of(conn, other)

    with raises_code("BUFFER_CONFLICT") as error:
        set_buffer(conn, floor, 30)
    [conflict] = error.details["conflicts"]
    assert conflict["tableNumber"] == "T1"
    assert {r["bookingId"] for r in conflict["rows"]} == {str(x), str(y)}
    assert {r["guestName"] for r in conflict["rows"]} == {"X", "Y"}
    assert buffer_of(conn, floor) == 5 and window_of(conn, other) == before  # nothing half-applied
    assert integrity(conn) == []


# -- 5. times are finite -------------------------------------------------------------------------


def test_infinite_times_are_refused(conn, floor, hana):
    x = floor.booking(guest="X")
    with pytest.raises(psycopg.errors.CheckViolation, match="bookings_times_finite"):
        conn.execute("UPDATE seating.bookings SET end_at = 'infinity' WHERE id = %s", (x,))
    with pytest.raises(psycopg.errors.CheckViolation, match="allocations_during_finite"):
        conn.execute(
            "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
            " VALUES (%s, %s, 'maintenance', tstzrange(%s, 'infinity'), 'forever')",
            (floor.id, floor.tables["T1"], EVENING),
        )
    assert call(conn, "get_assignment_context", hana, x)["booking"]["endAt"]


# -- 12. an expired hold blocks nobody -----------------------------------------------------------


def test_an_expired_hold_does_not_block_a_maintenance_block(conn, floor, hana):
    """Case 12: no sweeper ran, yet a DBA's maintenance INSERT over the expired hold succeeds."""
    held = hold(conn, hana, floor.booking(guest="X"), floor.ids("T1"))
    expire_hold(conn, held["id"])
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s), 'wobbly leg')",
        (floor.id, floor.tables["T1"], EVENING, EVENING + HOUR),
    )
    assert [(r["table_number"], r["kind"]) for r in ledger(conn)] == [("T1", "maintenance")]
    assert call(conn, "get_session", hana, held["id"])["status"] == "EXPIRED"
    assert integrity(conn) == []


def test_a_live_hold_still_blocks_a_maintenance_block(conn, floor, hana):
    hold(conn, hana, floor.booking(guest="X"), floor.ids("T1"))
    with pytest.raises(psycopg.errors.ExclusionViolation):
        conn.execute(
            "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
            " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s), 'wobbly leg')",
            (floor.id, floor.tables["T1"], EVENING, EVENING + HOUR),
        )


# -- the integrity check itself ------------------------------------------------------------------


def test_check_integrity_names_what_is_broken(conn, floor, hana):
    x = floor.booking(guest="X")
    confirm(conn, hana, x, floor.ids("T1"))
    assert integrity(conn) == []
    # Break the ledger behind the functions' back: the confirmed record no longer matches it.
    conn.execute("DELETE FROM seating.allocations WHERE booking_id = %s", (x,))
    [(invariant, restaurant, details)] = integrity(conn)
    assert (invariant, restaurant) == ("assignment_without_ledger_row", floor.id)
    assert details == {"bookingId": str(x), "tableId": str(floor.tables["T1"])}


# -- concurrency: a move or a buffer change racing a hold, in explicit step order ----------------


@pytest.fixture
def other_connections(db_url):
    opened = [psycopg.connect(db_url, autocommit=autocommit) for autocommit in (False, True)]
    yield opened
    for connection in opened:
        connection.close()


def test_a_move_waits_for_a_hold_on_its_table_then_loses_the_table(conn, floor, hana, other_connections):
    hugo = floor.staff["Hugo Host"]
    x = floor.booking(start=EVENING, minutes=120, guest="X")
    confirm(conn, hana, x, floor.ids("T1"))
    y = floor.booking(start=EVENING + 3 * HOUR, minutes=90, guest="Y")
    host_tx, dba = other_connections
    assert hold(host_tx, hugo, y, floor.ids("T1"))["status"] == "HELD"  # uncommitted: T1 is locked

    with ThreadPoolExecutor(max_workers=1) as pool:
        moving = pool.submit(move, dba, x, EVENING + 3 * HOUR, EVENING + 4.5 * HOUR)
        wait_until_blocked(conn, dba.info.backend_pid)
        host_tx.commit()
        moving.result(timeout=10)

    assert current_tables(conn, x) == [] and status(conn, x) == "pending_allocation"
    assert [(r["table_number"], r["kind"], r["booking_id"]) for r in ledger(conn)] == [("T1", "hold", y)]
    assert integrity(conn) == []


def test_a_buffer_change_waits_for_a_hold_and_moves_it_too(conn, floor, hana, other_connections):
    x = floor.booking(start=EVENING, minutes=120, guest="X")
    host_tx, dba = other_connections
    assert hold(host_tx, hana, x, floor.ids("T1"))["status"] == "HELD"  # written with the old buffer

    with ThreadPoolExecutor(max_workers=1) as pool:
        changing = pool.submit(set_buffer, dba, floor, 30)
        wait_until_blocked(conn, dba.info.backend_pid)
        host_tx.commit()
        changing.result(timeout=10)

    [(during,)] = window_of(conn, x)
    assert during.upper == EVENING + 2.5 * HOUR
    assert integrity(conn) == []


def test_a_hold_after_a_buffer_change_uses_the_new_buffer(conn, floor, hana, other_connections):
    x = floor.booking(start=EVENING, minutes=120, guest="X")
    dba_tx, host = other_connections[0], other_connections[1]
    set_buffer(dba_tx, floor, 30)  # uncommitted: every table of the floor is locked

    with ThreadPoolExecutor(max_workers=1) as pool:
        holding = pool.submit(hold, host, hana, x, floor.ids("T1"))
        wait_until_blocked(conn, host.info.backend_pid)
        dba_tx.commit()
        assert holding.result(timeout=10)["status"] == "HELD"

    [(during,)] = window_of(conn, x)
    assert during.upper == EVENING + 2.5 * HOUR
    assert integrity(conn) == []
