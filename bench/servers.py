"""Serving cost, uvicorn against granian: python -m bench.servers [--smoke] [--rounds N] [--seconds S].

The same app with the same worker count under each server (`python -m app serve`, i.e. uvicorn,
and granian as bench.common.start_api runs it; granian is in the `bench` extra, not the app's
dependencies), in interleaved rounds beside pgbench running the same two calls per assignment
(bench/pgbench/assign.sql), all at the same number of clients. Each round runs pgbench, then the
two servers in turn (the order alternating between rounds), so drift on a shared machine falls on
both. Reports, per server, medians over rounds: assignments per second, the ratio to the round's
pgbench rate, request latencies, and CPU per request (user + system, from /proc through psutil) of
the server's processes (supervisor and workers), of the database backends serving it, and of the
load generator. Uses DATABASE_URL's server when set, else a throwaway embedded PostgreSQL, and a
database of its own there (bench_servers)."""

from __future__ import annotations

import argparse
import os
import resource
import statistics
from dataclasses import dataclass, field

import psutil
import psycopg

from app import pgserver
from bench import loadgen
from bench.common import (
    HERE,
    assign_clients,
    assign_scenario,
    build_chain,
    issue_tokens,
    pgbench,
    recreate,
    start_api,
    uuid_of,
)

SERVERS = ("uvicorn", "granian")


@dataclass(frozen=True)
class Sizes:
    restaurants: int
    tables: int
    clients: int
    seconds: float
    rounds: int


FULL = Sizes(restaurants=40, tables=20, clients=8, seconds=8, rounds=4)
SMOKE = Sizes(restaurants=6, tables=4, clients=2, seconds=1, rounds=2)


@dataclass
class Runs:
    """One server's measures, a value per round (CPU in µs per request)."""

    rates: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    supervisor: list[float] = field(default_factory=list)
    workers: list[float] = field(default_factory=list)
    backends: list[float] = field(default_factory=list)
    loadgen: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds, every request of every round
    errors: int = 0


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """user + system CPU seconds of each process still there (and readable)."""
    spent = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        spent[pid] = times.user + times.system
    return spent


def backend_pids(conn: psycopg.Connection) -> list[int]:
    """The database's other backends: the servers' pools and listeners."""
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchall()
    return [pid for (pid,) in rows]


def measure(
    server: psutil.Process, port: int, states: list, conn: psycopg.Connection, seconds: float, runs: Runs, sql: float
) -> None:
    """One run of the assignment scenario against one server, appended to runs."""
    workers = [p.pid for p in server.children(recursive=True)]
    backends = backend_pids(conn)
    before = cpu_seconds([server.pid, *workers, *backends])
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    tally, elapsed = loadgen.drive("127.0.0.1", port, states, assign_scenario, seconds)
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    # a backend opened during the run started from zero
    after = cpu_seconds([server.pid, *workers, *backend_pids(conn)])
    requests = sum(tally.statuses.values())

    def per_request(pids: list[int]) -> float:
        return 1e6 * sum(after[p] - before.get(p, 0.0) for p in pids if p in after) / requests

    runs.rates.append(tally.outcomes["assigned"] / elapsed)
    runs.ratios.append(runs.rates[-1] / sql)
    runs.supervisor.append(per_request([server.pid]))
    runs.workers.append(per_request(workers))
    runs.backends.append(per_request([p for p in after if p not in (server.pid, *workers)]))
    own = (own_after.ru_utime + own_after.ru_stime) - (own_before.ru_utime + own_before.ru_stime)
    runs.loadgen.append(1e6 * own / requests)
    runs.latencies.extend(tally.all_latencies())
    runs.errors += sum(n for status, n in tally.statuses.items() if status >= 500)


def spread(values: list[float], digits: int = 0) -> str:
    median = f"{statistics.median(values):,.{digits}f}"
    return median if len(values) < 2 else f"{median} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.servers", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script runs")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else FULL
    rounds = args.rounds or sizes.rounds
    seconds = args.seconds or sizes.seconds

    server_url = os.environ.get("DATABASE_URL") or pgserver.start_throwaway()
    url = recreate(server_url, "bench_servers")
    build_chain(url, sizes.restaurants, sizes.tables)
    tokens = issue_tokens(url, [uuid_of(4, (k + 1) * 10 + 2) for k in range(sizes.clients)])
    states = assign_clients(tokens, sizes.clients, sizes.tables)

    started = {name: start_api(url, args.workers, name) for name in args.servers}
    runs = {name: Runs() for name in args.servers}
    sql_rates: list[float] = []
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            for round_number in range(rounds):
                sql = pgbench(
                    url,
                    sizes.clients,
                    *("-D", f"tables={sizes.tables}", "-f", str(HERE / "pgbench/assign.sql")),
                    *("-T", str(max(1, round(seconds)))),
                )["tps"]
                sql_rates.append(sql)
                order = args.servers if round_number % 2 == 0 else args.servers[::-1]
                for name in order:
                    process, port = started[name]
                    measure(psutil.Process(process.pid), port, states, conn, seconds, runs[name], sql)
                print(
                    f"round {round_number + 1}: pgbench {sql:,.0f}/s; "
                    + "; ".join(f"{n} {runs[n].rates[-1]:,.0f}/s, {runs[n].workers[-1]:,.0f} µs" for n in order),
                    flush=True,
                )
    finally:
        for process, _ in started.values():
            process.terminate()
            process.wait(timeout=30)

    print(
        f"\n{sizes.clients} clients, {args.workers} workers, {rounds} interleaved rounds of {seconds:g} s;"
        f" pgbench (same calls): {spread(sql_rates)} assignments/s. Medians (range over rounds)."
        " CPU is µs per request (an assignment is two requests).\n"
    )
    print(
        "| server | assignments/s | × pgbench | p50 ms | p99 ms | server workers CPU | supervisor CPU"
        " | PostgreSQL backends CPU | load generator CPU | 5xx |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in runs.items():
        print(
            f"| {name} | {spread(r.rates)} | {spread(r.ratios, 2)}"
            f" | {loadgen.percentile(r.latencies, 0.5) * 1000:.2f} | {loadgen.percentile(r.latencies, 0.99) * 1000:.2f}"
            f" | {spread(r.workers)} | {spread(r.supervisor)} | {spread(r.backends)} | {spread(r.loadgen)}"
            f" | {r.errors} |"
        )
    if any(r.errors for r in runs.values()):
        raise SystemExit("a server answered 5xx")


if __name__ == "__main__":
    main()
