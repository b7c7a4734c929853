"""Automatic assignment against an exact optimum: python -m bench.auto_assign [--smoke] [--seeds N].

Builds generated evenings (zones, tables joined along adjacency edges, fixed and out-of-service
tables, some bookings already seated), runs api.auto_assign_pending over each and compares the
bookings it seats with the most any assignment could seat, from an integer program solved by
CBC (pulp; benchmark only, never imported by app/). The ILP chooses, per booking, at most one
of the groups seating._candidate_groups lists (every minimal group the engine could pass: a
larger group only adds seats, so the optimum over minimal groups is the optimum), with no table
used by two bookings whose windows overlap. Times are compared with one create_session_hold
call measured in the same run. Uses DATABASE_URL when set, else a throwaway embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg

from app import errors, migrations, pgserver
from app.db import scalar

EVENING = datetime(2031, 3, 20, 17, 0, tzinfo=UTC)
PARTY_WEIGHTS = {1: 3, 2: 30, 3: 12, 4: 25, 5: 6, 6: 10, 7: 3, 8: 5, 9: 2, 10: 4}
CAPACITIES = [2, 2, 2, 4, 4, 4, 4, 6, 6, 8]
MODES = ("connected", "pairwise", "hub")


@dataclass(frozen=True)
class Size:
    name: str
    tables: int
    bookings: int
    seeds: int


FULL = (Size("40 bookings, 20 tables", 20, 40, 20), Size("120 bookings, 50 tables", 50, 120, 20))
SMOKE = (Size("12 bookings, 8 tables", 8, 12, 2),)


def build_evening(conn: psycopg.Connection, size: Size, seed: int) -> dict:
    """One restaurant: tables in rows of 5 across 3 zones, each joined to its row and column
    neighbours; a fixed booth and an out-of-service table per zone when there is room; the
    bookings of four hours; a tenth of them already seated (by api.auto_assign)."""
    rng = random.Random(seed)
    mode = MODES[seed % len(MODES)]
    restaurant = scalar(
        conn,
        "INSERT INTO seating.restaurants (name, adjacency_mode) VALUES (%s, %s) RETURNING id",
        (f"Bench {size.name} #{seed}", mode),
    )
    staff = scalar(
        conn,
        "INSERT INTO seating.staff (display_name, email) VALUES ('Bench', %s) RETURNING id",
        (f"bench.{restaurant}@example.com",),
    )
    conn.execute("INSERT INTO seating.restaurant_memberships VALUES (%s, %s, 'manager')", (staff, restaurant))
    zones = [
        scalar(conn, "INSERT INTO seating.zones (restaurant_id, name) VALUES (%s, %s) RETURNING id", (restaurant, name))
        for name in ("Main", "Terrace", "Bar")
    ]
    per_zone = [size.tables - 2 * (size.tables // 3), size.tables // 3, size.tables // 3]
    number = 0
    for zone, count in zip(zones, per_zone, strict=True):
        ids = []
        for i in range(count):
            number += 1
            fixed = count >= 8 and i == count - 1
            active = not (count >= 8 and i == count - 2)
            ids.append(
                scalar(
                    conn,
                    "INSERT INTO seating.table_inventory"
                    " (restaurant_id, zone_id, table_number, capacity, mobility, active)"
                    " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                    (
                        restaurant,
                        zone,
                        f"{number}",
                        6 if fixed else rng.choice(CAPACITIES),
                        "fixed" if fixed else "movable",
                        active,
                    ),
                )
            )
        for i in range(count):
            for j in (i + 1, i + 5):  # row neighbour, column neighbour
                if j < count and (j != i + 1 or j % 5):
                    conn.execute(
                        "INSERT INTO seating.table_adjacencies VALUES (%s, %s, %s)", (restaurant, ids[i], ids[j])
                    )
    bookings = []
    for _ in range(size.bookings):
        start = EVENING + timedelta(minutes=15 * rng.randrange(16))
        party = rng.choices(list(PARTY_WEIGHTS), weights=list(PARTY_WEIGHTS.values()))[0]
        bookings.append(
            scalar(
                conn,
                "INSERT INTO seating.bookings (restaurant_id, party_size, start_at, end_at, status, guest_name)"
                " VALUES (%s, %s, %s, %s, 'pending', 'Guest') RETURNING id",
                (restaurant, party, start, start + timedelta(minutes=rng.choice((90, 120, 150)))),
            )
        )
    for booking in rng.sample(bookings, len(bookings) // 10):
        try:
            conn.execute("SELECT api.auto_assign(%s, %s)", (staff, booking))
        except psycopg.DatabaseError as error:  # the project's own SQLSTATEs have no psycopg class
            refused = errors.from_database(error)
            if refused is None or refused.code != "NO_FIT":
                raise
    return {"restaurant": restaurant, "staff": staff, "mode": mode}


def optimum(conn: psycopg.Connection, restaurant) -> tuple[int, int]:
    """(most bookings any assignment seats, bookings waiting): the ILP over minimal groups."""
    import pulp

    rows = conn.execute(
        "SELECT b.id, lower(w.during), upper(w.during), g.table_ids"
        "  FROM seating.bookings b JOIN seating.restaurants r ON r.id = b.restaurant_id"
        " CROSS JOIN LATERAL"
        " (SELECT seating._booking_window(b.start_at, b.end_at, r.turnover_buffer_minutes) AS during) w"
        " CROSS JOIN LATERAL seating._candidate_groups(b, r, NULL, NULL) g"
        " WHERE b.restaurant_id = %s AND b.status = 'pending'"
        "   AND NOT EXISTS (SELECT FROM seating.allocations a WHERE a.booking_id = b.id AND a.kind = 'assignment')",
        (restaurant,),
    ).fetchall()
    waiting = scalar(
        conn,
        "SELECT count(*) FROM seating.bookings b WHERE b.restaurant_id = %s AND b.status = 'pending'"
        " AND NOT EXISTS (SELECT FROM seating.allocations a WHERE a.booking_id = b.id AND a.kind = 'assignment')",
        (restaurant,),
    )
    problem = pulp.LpProblem("seat_most", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{i}", cat="Binary") for i in range(len(rows))]
    problem += pulp.lpSum(x)
    by_booking: dict = {}
    for i, (booking, *_rest) in enumerate(rows):
        by_booking.setdefault(booking, []).append(i)
    for choices in by_booking.values():
        problem += pulp.lpSum(x[i] for i in choices) <= 1
    # Windows are intervals: those overlapping on a table all contain one of their start times.
    starts = sorted({row[1] for row in rows})
    tables = {t for row in rows for t in row[3]}
    for table in tables:
        using = [i for i, row in enumerate(rows) if table in row[3]]
        for s in starts:
            at = [i for i in using if rows[i][1] <= s < rows[i][2]]
            if len(at) > 1:
                problem += pulp.lpSum(x[i] for i in at) <= 1
    problem.solve(pulp.PULP_CBC_CMD(msg=0))
    assert pulp.LpStatus[problem.status] == "Optimal", pulp.LpStatus[problem.status]
    return round(pulp.value(problem.objective) or 0), waiting


def hold_baseline(conn: psycopg.Connection, evening: dict, calls: int = 15) -> float:
    """Median seconds of one create_session_hold on this restaurant (rolled back)."""
    row = conn.execute(
        "SELECT b.id, t.id FROM seating.bookings b JOIN seating.table_inventory t ON t.restaurant_id = b.restaurant_id"
        " WHERE b.restaurant_id = %s AND t.active ORDER BY b.id, t.capacity DESC LIMIT 1",
        (evening["restaurant"],),
    ).fetchone()
    assert row is not None, "the evening has no booking or no active table"
    booking, table = row
    times = []
    for _ in range(calls):
        with conn.transaction(force_rollback=True):
            started = time.perf_counter()
            conn.execute("SELECT api.create_session_hold(%s, %s, %s)", (evening["staff"], booking, [table]))
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def suggest_times(conn: psycopg.Connection, evening: dict) -> list[float]:
    times = []
    for (booking,) in conn.execute(
        "SELECT id FROM seating.bookings WHERE restaurant_id = %s ORDER BY id", (evening["restaurant"],)
    ).fetchall():
        started = time.perf_counter()
        conn.execute("SELECT * FROM api.suggest_tables(%s, %s)", (evening["staff"], booking)).fetchall()
        times.append(time.perf_counter() - started)
    return times


def run(server_url: str, sizes: tuple[Size, ...], seeds: int | None = None) -> list[str]:
    """Markdown lines of the section; also printed."""
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute('DROP DATABASE IF EXISTS "bench_auto_assign" WITH (FORCE)')
        admin.execute('CREATE DATABASE "bench_auto_assign"')
        version = scalar(admin, "SHOW server_version")
    url = migrations.conninfo_url({**psycopg.conninfo.conninfo_to_dict(server_url), "dbname": "bench_auto_assign"})
    migrations.migrate(url)
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python -m bench.auto_assign` on"
        f" {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, PostgreSQL {version}."
        " Generated evenings: tables in 3 zones joined to row and column neighbours (adjacency mode connected,"
        " pairwise or hub by seed), a fixed booth and an out-of-service table per zone, bookings of parties 1–10"
        " starting over four hours (90–150 min), a tenth already seated. Optimum: an ILP (CBC via pulp).",
        "",
        "| evenings | seeds | seated / optimum (sum) | worst evening | evenings at the optimum | batch median s |"
        " per booking ms | × one hold | suggest_tables p50 / p99 ms | × one hold (p99) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    with psycopg.connect(url, autocommit=True) as conn:
        for size in sizes:
            seated_sum = optimum_sum = at_optimum = 0
            worst = 1.0
            batch_times, per_booking, holds, suggests = [], [], [], []
            for seed in range(seeds or size.seeds):
                evening = build_evening(conn, size, seed)
                conn.execute("ANALYZE")
                best, waiting = optimum(conn, evening["restaurant"])
                holds.append(hold_baseline(conn, evening))
                suggests += suggest_times(conn, evening)
                started = time.perf_counter()
                outcomes = conn.execute(
                    "SELECT outcome FROM api.auto_assign_pending(%s, %s, %s, %s)",
                    (evening["staff"], evening["restaurant"], EVENING, EVENING + timedelta(hours=5)),
                ).fetchall()
                batch_times.append(time.perf_counter() - started)
                per_booking.append(batch_times[-1] / max(waiting, 1))
                seated = sum(1 for (o,) in outcomes if o == "assigned")
                assert len(outcomes) == waiting, (len(outcomes), waiting)
                assert seated <= best, (seated, best)  # the batch can never beat an exact optimum
                overlaps = scalar(
                    conn,
                    "SELECT count(*) FROM seating.allocations a JOIN seating.allocations b ON a.table_id = b.table_id"
                    " AND a.id < b.id AND a.during && b.during",
                )
                assert overlaps == 0
                seated_sum += seated
                optimum_sum += best
                at_optimum += seated == best
                worst = min(worst, seated / best if best else 1.0)
                print(
                    f"{size.name} seed {seed} ({evening['mode']}): seated {seated} of {waiting}, optimum {best},"
                    f" batch {batch_times[-1]:.2f} s",
                    flush=True,
                )
            hold = statistics.median(holds)
            p99 = statistics.quantiles(suggests, n=100)[98] if len(suggests) > 1 else suggests[0]
            lines.append(
                f"| {size.name} | {seeds or size.seeds} | {seated_sum} / {optimum_sum}"
                f" = {seated_sum / max(optimum_sum, 1):.3f}"
                f" | {worst:.3f} | {at_optimum} of {seeds or size.seeds} | {statistics.median(batch_times):.2f}"
                f" | {1000 * statistics.median(per_booking):.1f} | {statistics.median(per_booking) / hold:.1f}"
                f" | {1000 * statistics.median(suggests):.1f} / {1000 * p99:.1f} | {p99 / hold:.1f} |"
            )
            lines.append("") if size is sizes[-1] else None
    lines.append(f"One create_session_hold (the baseline): {1000 * hold:.2f} ms median in this run.")
    for line in lines:
        print(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.auto_assign", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="one tiny size, to check the script runs")
    parser.add_argument("--seeds", type=int, default=None, help="evenings per size (default 20)")
    args = parser.parse_args()
    run(os.environ.get("DATABASE_URL") or pgserver.start_throwaway(), SMOKE if args.smoke else FULL, args.seeds)


if __name__ == "__main__":
    main()
