"""The batch racing hosts, with real connections in an explicit step order (no sleeps): no
deadlock, no double booking, and a host's hold is respected."""

from datetime import timedelta

from psycopg.rows import dict_row

from tests.support import EVENING, call, hold, integrity, overlapping_allocations, wait_until_blocked


def batch(connection, staff, restaurant):
    with connection.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT * FROM api.auto_assign_pending(%s, %s, %s, %s)",
            (staff, restaurant, EVENING - timedelta(hours=1), EVENING + timedelta(hours=3)),
        ).fetchall()


def test_batch_waits_for_a_host_holding_a_pending_booking_then_leaves_it_to_them(conn, floor, connect, pool):
    manager, hugo = floor.staff["Max Manager"], floor.staff["Hugo Host"]
    others = [floor.booking(party_size=4) for _ in range(3)]
    contested = floor.booking(party_size=4)

    host = connect(autocommit=False)
    assert hold(host, hugo, contested, floor.ids("T3"))["status"] == "HELD"  # open transaction
    runner = connect()
    future = pool.submit(batch, runner, manager, floor.id)
    wait_until_blocked(conn, runner.info.backend_pid)
    host.commit()

    results = {r["booking_id"]: r for r in future.result(timeout=30)}
    assert results[contested]["outcome"] == "no_fit" and "Hugo Host" in results[contested]["reason"]
    seated = [results[b]["table_ids"] for b in others if results[b]["outcome"] == "assigned"]
    assert len(seated) == 3 and all(floor.tables["T3"] not in tables for tables in seated)
    assert overlapping_allocations(conn) == [] and integrity(conn) == []


def test_host_waits_for_a_running_batch_then_gets_a_clear_answer(conn, floor, connect, pool):
    manager, hugo = floor.staff["Max Manager"], floor.staff["Hugo Host"]
    pending = [floor.booking(party_size=4) for _ in range(2)]
    walk_in = floor.booking(party_size=4, start=EVENING + timedelta(hours=5))  # outside the batch's range

    runner = connect(autocommit=False)
    results = batch(runner, manager, floor.id)  # open transaction: the batch holds its locks
    assert [r["outcome"] for r in results] == ["assigned", "assigned"]
    taken = results[0]["table_ids"]

    host = connect()
    future = pool.submit(call, host, "create_session_hold", hugo, pending[0], floor.ids("T7"), None)
    wait_until_blocked(conn, host.info.backend_pid)
    runner.commit()
    answer = future.result(timeout=30)  # the booking is seated now; the host's hold moves it
    assert answer["status"] in {"HELD", "PROPOSED"}
    assert hold(conn, hugo, walk_in, taken)["status"] == "HELD"  # later in the evening: free again
    assert overlapping_allocations(conn) == [] and integrity(conn) == []
