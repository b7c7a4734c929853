"""DESIGN §10, one restaurant's trouble stays there (issue 12, case 9): a lock wait ends at
DB_LOCK_TIMEOUT_MS, a request at REQUEST_DEADLINE_MS, timeouts are not retried, races and lost
connections are retried once, and a locked table of restaurant A leaves restaurant B's requests
at their normal latency. Real connections, explicit step order, no sleeps, no absolute times."""

import asyncio
import statistics
import threading
import time
from dataclasses import replace

import psycopg
import pytest
from litestar.testing import TestClient

from app import db
from app.errors import ApiError
from app.http import create_app
from tests.http.test_api import assert_error, hold
from tests.support import call, standard_floor

PROBE = """
CREATE SCHEMA probe;
GRANT USAGE ON SCHEMA probe TO seating_app;
CREATE SEQUENCE probe.attempts;
-- Counts its calls in a sequence (which a rollback does not undo) and fails the first p_times
-- of them with p_code, or by losing the connection when p_code is 'terminate'.
CREATE FUNCTION probe.fail_first(p_code text, p_times int) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    v_attempt bigint := nextval('probe.attempts');
BEGIN
    IF v_attempt <= p_times THEN
        IF p_code = 'terminate' THEN
            PERFORM pg_terminate_backend(pg_backend_pid());
        END IF;
        RAISE EXCEPTION 'probe failure %', v_attempt USING ERRCODE = p_code;
    END IF;
    RETURN v_attempt;
END $$;
GRANT EXECUTE ON FUNCTION probe.fail_first(text, int) TO seating_app;
"""


def run_one(settings, query: str, params: tuple = ()):
    """db._one through a fresh one-connection pool: the row, or the ApiError raised."""

    async def main():
        pool = db.create_pool(replace(settings, pool_min_size=1, pool_max_size=1))
        await pool.open(wait=True)
        try:
            return await db._one(pool, query, params)
        except ApiError as error:
            return error
        finally:
            await pool.close()

    return asyncio.run(main())


@pytest.fixture
def probe(conn):
    conn.execute(PROBE)
    return lambda: conn.execute("SELECT last_value FROM probe.attempts").fetchone()[0]


@pytest.mark.parametrize("sqlstate,attempts", [("40001", 2), ("40P01", 2), ("terminate", 2)])
def test_a_race_or_a_lost_connection_is_retried_once(settings, probe, sqlstate, attempts):
    row = run_one(settings, "SELECT probe.fail_first(%s, 1) AS attempt", (sqlstate,))
    assert row == {"attempt": attempts} and probe() == attempts


def test_a_second_failure_is_503_after_one_retry(settings, probe):
    error = run_one(settings, "SELECT probe.fail_first('40001', 5)")
    assert (error.status, error.code) == (503, "UNAVAILABLE") and probe() == 2


@pytest.mark.parametrize("sqlstate,reason", [("55P03", "lock_timeout"), ("57014", "deadline")])
def test_a_timeout_is_503_and_not_retried(settings, probe, sqlstate, reason):
    error = run_one(settings, "SELECT probe.fail_first(%s, 1)", (sqlstate,))
    assert (error.status, error.code, error.details["reason"]) == (503, "UNAVAILABLE", reason)
    assert probe() == 1


def test_the_deadline_cancels_the_statement_on_the_server(settings, conn):
    """A statement still running at the deadline is cancelled in PostgreSQL (not left behind on
    a connection the pool hands out again): 503, and the server is idle again."""
    error = run_one(replace(settings, request_deadline_ms=300), "SELECT pg_sleep(60)")
    assert (error.status, error.details["reason"]) == (503, "deadline")
    assert (
        conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'"
        ).fetchone()[0]
        == 0
    )


def test_lock_and_statement_timeouts_are_set_on_every_connection(settings):
    row = run_one(
        replace(settings, lock_timeout_ms=1234, request_deadline_ms=4321),
        "SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement",
    )
    assert row == {"lock": "1234ms", "statement": "4321ms"}


# --- case 9 ---------------------------------------------------------------------------------------


def waiting_on_locks(observer: psycopg.Connection) -> int:
    """Backends of this database waiting for a lock (on the stray transaction, or queued behind
    another waiter for the same row)."""
    return db.scalar(
        observer,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND cardinality(pg_blocking_pids(pid)) > 0",
    )


def mean_latency(request, times: int = 15) -> float:
    """The mean, not the median: one request stalled behind a saturated pool must count."""
    latencies = []
    for _ in range(times):
        start = time.perf_counter()
        response = request()
        latencies.append(time.perf_counter() - start)
        assert response.status_code in (200, 201), response.text
    return statistics.mean(latencies)


def test_case9_a_locked_table_in_restaurant_a_leaves_restaurant_b_fast(settings, db_url, conn):
    """A stray transaction locks table T1 of restaurant A; more of A's requests than the pool has
    connections wait on it (one host token, many tabs). Restaurant B's requests keep their
    mean latency (ratio to B's own baseline, measured in this test), and A's blocked requests end
    with 503 UNAVAILABLE (lock_timeout) while the lock is still held: no hung pool."""
    a, b = standard_floor(conn), standard_floor(conn)
    a_token = {"Authorization": f"Bearer {call(conn, 'issue_staff_token', a.staff['Hana Host'])['issue_staff_token']}"}
    b_token = {"Authorization": f"Bearer {call(conn, 'issue_staff_token', b.staff['Hana Host'])['issue_staff_token']}"}
    b_booking = b.booking()
    a_bookings = [a.booking() for _ in range(6)]
    # The lock timeout outlasts B's measurement by far. A's first two requests end at the lock
    # timeout; the others, waiting for A's share of the pool, at the deadline.
    app = create_app(
        replace(settings, pool_min_size=4, pool_max_size=4, lock_timeout_ms=3000, request_deadline_ms=4000)
    )

    def b_requests():
        hold(client, b_token, b_booking, b.ids("T1"))
        return client.get(f"/api/staff/bookings/{b_booking}/assignment-context", headers=b_token)

    with TestClient(app) as client, psycopg.connect(db_url) as stray:
        baseline = mean_latency(b_requests)

        stray.execute("SELECT 1 FROM seating.table_inventory WHERE id = %s FOR UPDATE", (a.tables["T1"],))
        stray_pid = stray.info.backend_pid
        a_responses = []
        a_clients = [
            threading.Thread(
                target=lambda booking=booking: a_responses.append(hold(client, a_token, booking, a.ids("T1")))
            )
            for booking in a_bookings
        ]
        for thread in a_clients:
            thread.start()
        # step: A's requests wait on the lock, as many as A's share of the pool allows (2 of 4)
        deadline = time.monotonic() + 30
        while waiting_on_locks(conn) < 2:
            assert time.monotonic() < deadline, "A's requests never blocked on the stray lock"
            threading.Event().wait(0.01)

        during = mean_latency(b_requests)
        assert during < 5 * baseline, (during, baseline)
        # step: B was measured while A's requests were still waiting on the lock
        assert waiting_on_locks(conn) >= 2 and not a_responses

        for thread in a_clients:
            thread.join(timeout=120)
        still_locked = conn.execute(
            "SELECT state = 'idle in transaction' FROM pg_stat_activity WHERE pid = %s", (stray_pid,)
        ).fetchone()[0]
        stray.rollback()

    assert still_locked, "the stray transaction must still hold its lock when A's requests end"
    assert len(a_responses) == len(a_bookings)
    for response in a_responses:
        error = assert_error(response, 503, "UNAVAILABLE")
        assert error["details"]["reason"] in ("lock_timeout", "deadline")
    assert any(r.json()["error"]["details"]["reason"] == "lock_timeout" for r in a_responses)
