"""Concurrency with real connections in an explicit step order: a step that must wait is
observed waiting on a lock (pg_blocking_pids) before the next step runs. No sleeps."""

from datetime import timedelta

import pytest

from tests.support import (
    EVENING,
    call,
    events,
    expire_hold,
    failing,
    hold,
    ledger,
    overlapping_allocations,
    raises_code,
    wait_until_blocked,
)


def in_background(pool, connection, function, *args):
    """Run an api call on its own connection in a thread; returns (future, backend pid)."""
    return pool.submit(call, connection, function, *args), connection.info.backend_pid


def test_two_staff_holding_overlapping_tables_one_waits_then_gets_conflict(conn, floor, connect, pool):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    first, second = floor.booking(party_size=4), floor.booking(party_size=4)

    a = connect(autocommit=False)
    held = hold(a, hana, first, floor.ids("T1", "T2"))  # in an open transaction
    assert held["status"] == "HELD"

    b = connect()
    future, pid = in_background(pool, b, "create_session_hold", hugo, second, floor.ids("T2", "T3"), None)
    wait_until_blocked(conn, pid)
    a.commit()

    lost = future.result(timeout=10)
    assert lost["status"] == "PROPOSED" and failing(lost) == ["conflict"]
    [blocker] = next(c for c in lost["checks"] if c["id"] == "conflict")["details"]["conflicts"]
    assert (blocker["tableNumber"], blocker["heldByName"]) == ("T2", "Hana Host")
    assert overlapping_allocations(conn) == []


def test_opposite_table_orders_do_not_deadlock(conn, floor, connect, pool):
    """A waits on T2 holding T1; B names T2 first but, locking in id order, waits on T1 too.
    Locking in the order given would let B take T2 and deadlock with A."""
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    t1, t2 = floor.ids("T1", "T2")
    assert t1 < t2

    gate = connect(autocommit=False)
    gate.execute("SELECT 1 FROM seating.table_inventory WHERE id = %s FOR UPDATE", (t2,))

    future_a, pid_a = in_background(
        pool, connect(), "create_session_hold", hana, floor.booking(party_size=4), [t1, t2], None
    )
    wait_until_blocked(conn, pid_a)
    future_b, pid_b = in_background(
        pool, connect(), "create_session_hold", hugo, floor.booking(party_size=4), [t2, t1], None
    )
    wait_until_blocked(conn, pid_b)
    gate.commit()

    a, b = future_a.result(timeout=10), future_b.result(timeout=10)  # a deadlock would raise here
    assert a["status"] == "HELD"
    assert b["status"] == "PROPOSED" and failing(b) == ["conflict"]


@pytest.mark.parametrize("first", ["confirm", "cancel"])
def test_confirm_racing_cancel(conn, floor, connect, pool, first):
    hana, manager = floor.staff["Hana Host"], floor.staff["Max Manager"]
    session = hold(conn, hana, floor.booking(), floor.ids("T1"))
    steps = {"confirm": ("confirm_session", hana), "cancel": ("cancel_session", manager)}
    second = "cancel" if first == "confirm" else "confirm"

    leader = connect(autocommit=False)
    function, staff = steps[first]
    assert call(leader, function, staff, session["id"])["status"] in ("CONFIRMED", "CANCELLED")
    function, staff = steps[second]
    future, pid = in_background(pool, connect(), function, staff, session["id"])
    wait_until_blocked(conn, pid)
    leader.commit()

    with raises_code("SESSION_CLOSED"):
        future.result(timeout=10)
    final = call(conn, "get_session", hana, session["id"])["status"]
    assert final == ("CONFIRMED" if first == "confirm" else "CANCELLED")
    assert [r["kind"] for r in ledger(conn)] == (["assignment"] if first == "confirm" else [])


def test_confirm_racing_the_sweeper(conn, floor, connect, pool):
    hana = floor.staff["Hana Host"]
    session = hold(conn, hana, floor.booking(), floor.ids("T1"))
    expire_hold(conn, session["id"])

    sweeper = connect(autocommit=False)
    assert call(sweeper, "expire_sessions")["expire_sessions"] == 1
    future, pid = in_background(pool, connect(), "confirm_session", hana, session["id"])
    wait_until_blocked(conn, pid)
    sweeper.commit()

    with raises_code("HOLD_EXPIRED"):
        future.result(timeout=10)
    assert ledger(conn) == []
    assert [e[:2] for e in events(conn, session["id"])] == [(None, "HELD"), ("HELD", "EXPIRED")]


def test_the_sweeper_skips_a_session_being_worked_on_without_waiting(conn, floor, connect):
    hana = floor.staff["Hana Host"]
    booking = floor.booking()
    old = hold(conn, hana, booking, floor.ids("T1"))
    expire_hold(conn, old["id"])

    worker = connect(autocommit=False)
    renewed = hold(worker, hana, booking, floor.ids("T1"))  # expires the old session, starts a new one
    assert renewed["id"] != old["id"]
    # The sweeper does not wait for the worker (it would block here if it did) and expires nothing.
    assert call(connect(), "expire_sessions")["expire_sessions"] == 0
    worker.commit()

    assert [e[:2] for e in events(conn, old["id"])] == [(None, "HELD"), ("HELD", "EXPIRED")]
    assert call(conn, "get_session", hana, renewed["id"])["status"] == "HELD"


def test_a_hold_waits_for_a_confirm_of_the_same_tables_then_sees_the_assignment(conn, floor, connect, pool):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    session = hold(conn, hana, floor.booking(guest="Grace"), floor.ids("T3"))

    confirming = connect(autocommit=False)
    call(confirming, "confirm_session", hana, session["id"])
    future, pid = in_background(pool, connect(), "create_session_hold", hugo, floor.booking(), floor.ids("T3"), None)
    wait_until_blocked(conn, pid)
    confirming.commit()

    lost = future.result(timeout=10)
    [blocker] = next(c for c in lost["checks"] if c["id"] == "conflict")["details"]["conflicts"]
    assert (blocker["kind"], blocker["guestName"]) == ("assignment", "Grace")


def test_a_ledger_write_that_skips_the_table_locks_still_loses_to_the_exclude_constraint(conn, floor, connect, pool):
    """A DBA stretches a maintenance block over the evening in an open transaction; a hold that
    checked before the stretch committed hits the EXCLUDE constraint, and reports the conflict
    instead of failing with 23P01."""
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s), 'floor polish')",
        (floor.id, floor.tables["T1"], EVENING - timedelta(hours=4), EVENING - timedelta(hours=3)),
    )
    dba = connect(autocommit=False)
    dba.execute(
        "UPDATE seating.allocations SET during = tstzrange(%s, %s) WHERE note = 'floor polish'",
        (EVENING - timedelta(hours=4), EVENING + timedelta(hours=4)),
    )

    future, pid = in_background(
        pool, connect(), "create_session_hold", floor.staff["Hana Host"], floor.booking(), floor.ids("T1"), None
    )
    wait_until_blocked(conn, pid)  # its insert waits on the DBA's uncommitted row
    dba.commit()

    lost = future.result(timeout=10)
    assert lost["status"] == "PROPOSED" and failing(lost) == ["conflict"]
    [blocker] = next(c for c in lost["checks"] if c["id"] == "conflict")["details"]["conflicts"]
    assert blocker["note"] == "floor polish"
    assert conn.execute("SELECT count(*) FROM seating.table_holds").fetchone()[0] == 0
    assert (
        conn.execute(
            "SELECT first_held_at FROM seating.manual_assignment_sessions WHERE id = %s", (lost["id"],)
        ).fetchone()[0]
        is None
    )
    assert overlapping_allocations(conn) == []


def test_a_confirm_that_loses_to_the_exclude_constraint_reports_the_blocker_and_changes_nothing(
    conn, floor, connect, pool
):
    """A DBA, in an open transaction, deletes a held table's ledger row and stretches a maintenance
    block over the evening. A confirm that checked before the commit waits on the row, then hits
    the EXCLUDE constraint: VALIDATION_FAILED naming the block, and nothing is assigned."""
    hana = floor.staff["Hana Host"]
    booking = floor.booking()
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s), 'floor polish')",
        (floor.id, floor.tables["T1"], EVENING - timedelta(hours=4), EVENING - timedelta(hours=3)),
    )
    held = hold(conn, hana, booking, floor.ids("T1"))
    assert held["status"] == "HELD"
    dba = connect(autocommit=False)  # neither statement locks the table row, as a table lock would
    dba.execute("DELETE FROM seating.allocations WHERE kind = 'hold' AND table_id = %s", (floor.tables["T1"],))
    dba.execute(
        "UPDATE seating.allocations SET during = tstzrange(%s, %s) WHERE note = 'floor polish'",
        (EVENING - timedelta(hours=4), EVENING + timedelta(hours=4)),
    )

    future, pid = in_background(pool, connect(), "confirm_session", hana, held["id"])
    wait_until_blocked(conn, pid)  # releasing the hold waits on the DBA's uncommitted delete
    dba.commit()

    with raises_code("VALIDATION_FAILED") as error:
        future.result(timeout=10)
    checks = error.details["checks"]
    [blocker] = next(c for c in checks if c["id"] == "conflict")["details"]["conflicts"]
    assert (blocker["kind"], blocker["note"]) == ("maintenance", "floor polish")
    assert call(conn, "get_session", hana, held["id"])["status"] == "HELD"
    assert (
        conn.execute(
            "SELECT count(*) FROM seating.booking_table_assignments WHERE booking_id = %s", (booking,)
        ).fetchone()[0]
        == 0
    )
    assert overlapping_allocations(conn) == []
