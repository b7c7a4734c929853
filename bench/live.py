"""Live updates of the staff page (DESIGN §11): python -m bench.live [--smoke] [--out FILE].

Three measurements against one `python -m app serve --workers 2` on a synthetic chain:

1. Change to screen: a committing call made by this process (a host's hold or its release through
   the API, or a DBA's UPDATE of a table in SQL) until another host's page in headless Chromium
   shows the table's new `data-state`. A MutationObserver in the page stamps the change with
   `performance.now()`; that clock is mapped onto this process's `time.perf_counter()` (both
   CLOCK_MONOTONIC on Linux, so their offset is constant) by the evaluate round trip with the
   smallest round-trip time, whose half bounds the error.
2. Fan-out: many open event streams (plain HTTP clients in a subprocess, not browsers), a DBA's
   UPDATE at a fixed rate; delivery from the UPDATE's return to each stream's receipt, both on
   CLOCK_MONOTONIC; the workers' RSS per stream and the app's database connections.
3. The page's reads (bookings list, assignment context) per call beside a hold's, HTTP and SQL.

Uses DATABASE_URL when set, else a throwaway embedded PostgreSQL. A full run writes its section
to bench/sections/08-live.md and into BENCHMARKS.md (or --out); a smoke run only into --out."""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec
import psutil
import psycopg
from psycopg.conninfo import conninfo_to_dict

from app import migrations, pgserver
from bench.common import EVENING, SECTIONS, build_chain, issue_tokens, splice_section, start_api, uuid_of

HEADING = "## 8. Live updates: change to screen, fan-out, the page's reads"
SECTION_FILE = SECTIONS / "08-live.md"
WORKERS = 2
ME = "bench-live"  # application_name of this script's own connections, left out of the app's count
# As tests/browser/conftest.py: Debian's chromium, headless, without its background chatter.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Sizes:
    tables: int
    restaurants: int  # restaurant 1 takes the main load; the others share the rest
    screen_changes: int  # per round
    main_streams: int
    other_streams: int
    fan_seconds: float
    rate: float  # changes per second, every fifth on another restaurant
    read_calls: int  # per kind and round
    rounds: int


FULL = Sizes(
    tables=20,
    restaurants=6,
    screen_changes=100,
    main_streams=200,
    other_streams=50,
    fan_seconds=15,
    rate=20,
    read_calls=200,
    rounds=3,
)
SMOKE = Sizes(
    tables=8,
    restaurants=3,
    screen_changes=8,
    main_streams=6,
    other_streams=4,
    fan_seconds=1.0,
    rate=20,
    read_calls=5,
    rounds=1,
)


def restaurant(r: int) -> str:
    return uuid_of(1, r)


def table(r: int, t: int) -> str:
    return uuid_of(2, r * 1000 + t)


def booking(r: int, b: int) -> str:
    return uuid_of(3, r * 10000 + b)


def host(r: int, s: int) -> str:
    return uuid_of(4, r * 10 + s)


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of values; nan when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float, digits: int = 1) -> str:
    return "n/a" if seconds != seconds else f"{seconds * 1000:,.{digits}f}"


def spread(values: list[float], scale: float = 1000, digits: int = 1) -> str:
    """The median over rounds, with their range when there are several."""
    values = [v * scale for v in values if v == v]
    if not values:
        return "n/a"
    median = f"{statistics.median(values):,.{digits}f}"
    return median if len(values) < 2 else f"{median} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


# --- 1. change to screen ---------------------------------------------------------------------

# Stamps every change of a table's data-state with the page's clock, as the DOM changes (the
# observer runs right after the mutation, before the next paint).
OBSERVE = """() => {
  window.__seen = [];
  const last = new Map();
  const scan = () => {
    const now = performance.now();
    for (const el of document.querySelectorAll('[data-table-id]')) {
      if (last.get(el.dataset.tableId) !== el.dataset.state) {
        last.set(el.dataset.tableId, el.dataset.state);
        window.__seen.push([el.dataset.tableId, el.dataset.state, now]);
      }
    }
  };
  scan();
  new MutationObserver(scan).observe(document.body,
    {subtree: true, childList: true, attributes: true, attributeFilter: ['data-state']});
}"""
SHOWN = """([from, id, state]) => {
  const hit = window.__seen.slice(from).find((e) => e[0] === id && e[1] === state);
  return hit ? hit[2] : false;
}"""


def clock_offset(page: Any, samples: int = 25) -> tuple[float, float]:
    """(page clock − perf_counter, round trip) in seconds, from the quickest of `samples`
    evaluate round trips: the page read its clock somewhere inside that trip, so the midpoint is
    off by at most half of it."""
    best = (0.0, float("inf"))
    for _ in range(samples):
        before = time.perf_counter()
        page_now = page.evaluate("performance.now()") / 1000
        after = time.perf_counter()
        if after - before < best[1]:
            best = (page_now - (before + after) / 2, after - before)
    return best


def change_to_screen(base: str, url: str, sizes: Sizes, tokens: dict[str, str]) -> dict:
    """Rounds of changes on restaurant 1 seen by host 2's page; latencies in seconds."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "Playwright for Python is missing (make install installs it)"}
    chromium = shutil.which("chromium")
    if not chromium:
        return {"skipped": "Chromium is missing (apt-get install -y --no-install-recommends chromium)"}
    t = sizes.tables
    watched = booking(1, 2 * t + 1)  # the last seating: every table free in its window
    acting = booking(1, 2 * t + 2)
    targets = list(range(2, t - 1))  # T-1 and T are the reads' hold (section 3)
    rounds: list[dict] = []
    with (
        sync_playwright() as playwright,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens['acting']}"}) as api,
        psycopg.connect(url, autocommit=True, application_name=ME) as dba,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        for _ in range(sizes.rounds):
            context = browser.new_context(viewport={"width": 1024, "height": 768})
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base}/staff?booking={watched}#token={tokens['watching']}")
            page.wait_for_selector(":text('Live: changes appear')")
            page.wait_for_selector(f'[data-table-id="{table(1, targets[0])}"][data-state="free"]')
            page.evaluate(OBSERVE)
            offset, trip = clock_offset(page)
            api_times: list[tuple[float, float]] = []
            sql_times: list[tuple[float, float]] = []
            session = None
            for i in range(sizes.screen_changes):
                number = targets[(i // 4) % len(targets)]
                table_id = table(1, number)
                step = i % 4
                seen_before = page.evaluate("window.__seen.length")
                start = time.perf_counter()
                if step == 0:  # another host takes a hold through the API
                    response = api.post("/api/staff/manual/session", json={"bookingId": acting, "tableIds": [table_id]})
                    session = response.json()
                    expected = "held"
                    assert session.get("status") == "HELD", session
                elif step == 1:  # and releases it
                    assert session is not None
                    api.delete(f"/api/staff/manual/session/{session['id']}").raise_for_status()
                    expected = "free"
                else:  # a DBA takes the table out of service in psql, then back
                    dba.execute("UPDATE seating.table_inventory SET active = %s WHERE id = %s", (step == 3, table_id))
                    expected = "inactive" if step == 2 else "free"
                end = time.perf_counter()
                shown = page.wait_for_function(SHOWN, arg=[seen_before, table_id, expected], polling=10).json_value()
                on_screen = shown / 1000 - offset
                (api_times if step < 2 else sql_times).append((on_screen - start, on_screen - end))
                time.sleep(random.uniform(0.05, 0.15))  # a host's pace, and no phase lock with the reads
            offset_after, trip_after = clock_offset(page)
            context.close()
            every = api_times + sql_times
            rounds.append(
                {
                    "from_call": [s for s, _ in every],
                    "from_return": [e for _, e in every],
                    "api": [s for s, _ in api_times],
                    "sql": [s for s, _ in sql_times],
                    "trip": max(trip, trip_after),
                    "drift": abs(offset_after - offset),
                }
            )
        browser.close()
    return {"rounds": rounds}


# --- 2. fan-out ------------------------------------------------------------------------------


async def _open_stream(port: int, client: httpx.AsyncClient, restaurant_id: str, token: str):
    """A raw HTTP/1.0 event stream (no chunking to undo), read until its `ready` event."""
    response = await client.post(
        f"/api/staff/restaurants/{restaurant_id}/event-tickets", headers={"Authorization": f"Bearer {token}"}
    )
    response.raise_for_status()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /api/staff/restaurants/{restaurant_id}/events?ticket={response.json()['ticket']} HTTP/1.0\r\n"
        "Host: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"event stream refused: {status!r}")
    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
        pass  # headers
    while not (await reader.readline()).startswith(b"event: ready"):
        pass
    return reader, writer


async def _read_stream(reader: asyncio.StreamReader, received: list[tuple[float, str, bytes]]) -> None:
    """Appends (receipt time, event name, data) for every event after `ready`."""
    event = "message"
    while line := await reader.readline():
        now = time.perf_counter()
        if line.startswith(b"event:"):
            event = line[6:].strip().decode()
        elif line.startswith(b"data:"):
            received.append((now, event, line[5:].strip()))
            event = "message"


async def _clients(port: int, streams: list[tuple[str, str]], pipe: Any) -> None:
    loop = asyncio.get_running_loop()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        opened = [await _open_stream(port, client, r, token) for r, token in streams]
    received: list[list[tuple[float, str, bytes]]] = [[] for _ in streams]
    readers = [asyncio.create_task(_read_stream(r, into)) for (r, _), into in zip(opened, received, strict=True)]
    pipe.send("open")
    await loop.run_in_executor(None, pipe.recv)  # "stop"
    for task in readers:
        task.cancel()
    for _, writer in opened:
        writer.close()
    pipe.send([[(t, e, d) for t, e, d in into] for into in received])


def stream_clients(port: int, streams: list[tuple[str, str]], pipe: Any) -> None:
    """The streams' process: opens them, says "open", collects until told "stop", sends receipts."""
    asyncio.run(_clients(port, streams, pipe))


def app_rss(server: psutil.Process) -> int:
    """Resident memory of the server and its workers, in bytes."""
    return sum(p.memory_info().rss for p in [server, *server.children(recursive=True)])


def cpu_seconds(process: psutil.Process) -> float:
    """User and system CPU time of a process and its children (running ones), in seconds."""
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        times = p.cpu_times()
        total += times.user + times.system
    return total


def app_connections(url: str) -> tuple[int, int]:
    """(connections the app holds to its database, of which LISTEN ones), from pg_stat_activity."""
    with psycopg.connect(url, application_name=ME) as conn:
        row = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE query ILIKE 'LISTEN%%')"
            "  FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"
            " AND application_name <> %s",
            (ME,),
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


# One statement, one row, one event: a DBA's no-op edit of a table.
TOUCH = "UPDATE seating.table_inventory SET active = true WHERE id = %s"


def with_server(url: str, part: Callable[[int], dict]) -> dict:
    """`part(port)` against a `python -m app serve --workers 2` started for it."""
    server, port = start_api(url, WORKERS, pool_max=8, pool_min=2)
    try:
        return part(port)
    finally:
        server.terminate()
        server.wait(timeout=30)


def fan_out(url: str, sizes: Sizes, tokens: dict[str, str]) -> dict:
    """Rounds, each on a fresh server: memory freed by an earlier round's streams stays in the
    workers' heaps and would hide the next round's growth."""
    rounds = []
    for _ in range(sizes.rounds):
        server, port = start_api(url, WORKERS, pool_max=8, pool_min=2)
        try:
            rounds.append(fan_out_round(port, url, server, sizes, tokens))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"rounds": rounds, "streams": sizes.main_streams + sizes.other_streams}


def fan_out_round(port: int, url: str, server: subprocess.Popen, sizes: Sizes, tokens: dict[str, str]) -> dict:
    others = list(range(2, sizes.restaurants + 1))
    streams = [(restaurant(1), tokens["r1"])] * sizes.main_streams + [
        (restaurant(r), tokens[f"r{r}"]) for r in (others[k % len(others)] for k in range(sizes.other_streams))
    ]
    process = psutil.Process(server.pid)
    # Warm the stream path (imports, first allocations) before the baseline.
    warm_parent, warm_child = multiprocessing.Pipe()
    warm = multiprocessing.get_context("spawn").Process(
        target=stream_clients, args=(port, streams[:4], warm_child), daemon=True
    )
    warm.start()
    warm_parent.recv()
    warm_parent.send("stop")
    warm_parent.recv()
    warm.join(30)
    time.sleep(1)
    rss_before = app_rss(process)
    parent, child = multiprocessing.Pipe()
    clients = multiprocessing.get_context("spawn").Process(
        target=stream_clients, args=(port, streams, child), daemon=True
    )
    clients.start()
    if parent.recv() != "open":
        raise RuntimeError("the stream clients failed")
    time.sleep(1)
    rss_open = app_rss(process)
    connections, listeners = app_connections(url)
    app_cpu, client_cpu = cpu_seconds(process), cpu_seconds(psutil.Process(clients.pid))
    changes: dict[str, list[tuple[str, float, float]]] = {}
    with psycopg.connect(url, autocommit=True, application_name=ME) as dba:
        started = time.perf_counter()
        first = 0.0
        count = int(sizes.fan_seconds * sizes.rate)
        for i in range(count):
            time.sleep(max(0.0, started + i / sizes.rate - time.perf_counter()))
            r = others[(i // 5) % len(others)] if i % 5 == 4 else 1
            table_id = table(r, i % sizes.tables + 1)
            before = time.perf_counter()
            first = first or before
            dba.execute(TOUCH, (table_id,), prepare=True)
            changes.setdefault(restaurant(r), []).append((table_id, before, time.perf_counter()))
        rate = (count - 1) / (before - first)  # from the first change's start to the last's
    time.sleep(2)  # the last deliveries
    app_cpu = cpu_seconds(process) - app_cpu
    client_cpu = cpu_seconds(psutil.Process(clients.pid)) - client_cpu
    parent.send("stop")
    received = parent.recv()
    clients.join(30)
    delivery: list[float] = []
    series: list[tuple[float, float]] = []  # (seconds into the run, delivery), to tell spikes from drift
    complete = wrong = dropped = 0
    for (of, _), events in zip(streams, received, strict=True):
        dropped += any(name == "dropped" for _, name, _ in events)
        mine = [(t, msgspec.json.decode(d)) for t, name, d in events if name == "table"]
        expected = changes.get(of, [])
        wrong += sum(1 for _, data in mine if data["restaurantId"] != of)
        got = [(t, data["tableIds"]) for t, data in mine]
        complete += len(got) == len(expected) and all(
            ids == [table_id] for (_, ids), (table_id, _, _) in zip(got, expected, strict=False)
        )
        delivery += [t - end for (t, _), (_, _, end) in zip(got, expected, strict=False)]
        series += [(end - first, t - end) for (t, _), (_, _, end) in zip(got, expected, strict=False)]
    return {
        "delivery": delivery,
        "series": series,
        "app_cpu_per_event": app_cpu / max(len(delivery), 1),
        "client_cpu_per_event": client_cpu / max(len(delivery), 1),
        "rss_per_stream": (rss_open - rss_before) / len(streams),
        "rss_before": rss_before,
        "connections": connections,
        "listeners": listeners,
        "complete": complete,
        "wrong": wrong,
        "dropped": dropped,
        "rate": rate,
        "changes": count,
    }


# --- 3. the page's reads ---------------------------------------------------------------------


def reads(base: str, url: str, sizes: Sizes, tokens: dict[str, str]) -> dict:
    """Per round: median seconds per call of each read and of a hold (alternating two tables, so
    each call moves the hold), over HTTP and in SQL; calls interleaved so drift hits all alike."""
    t = sizes.tables
    reader = host(1, 3)
    for_booking = booking(1, 2 * t + 3)
    day = EVENING.isoformat()
    rounds: list[dict[str, float]] = []
    with (
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens['reader']}"}) as api,
        psycopg.connect(url, autocommit=True, application_name=ME) as conn,
    ):
        http_calls = {
            "bookings": lambda i: api.get(f"/api/staff/restaurants/{restaurant(1)}/bookings", params={"date": day}),
            "context": lambda i: api.get(f"/api/staff/bookings/{for_booking}/assignment-context"),
            "suggestions": lambda i: api.get(f"/api/staff/bookings/{for_booking}/suggestions", params={"limit": 3}),
            "hold": lambda i: api.post(
                "/api/staff/manual/session", json={"bookingId": for_booking, "tableIds": [table(1, t - i % 2)]}
            ),
        }
        sql_calls = {
            "bookings": lambda i: conn.execute(
                "SELECT * FROM api.list_bookings(%s, %s, %s)", (reader, restaurant(1), EVENING), prepare=True
            ).fetchall(),
            "context": lambda i: conn.execute(
                "SELECT * FROM api.get_assignment_context(%s, %s)", (reader, for_booking), prepare=True
            ).fetchall(),
            "suggestions": lambda i: conn.execute(
                "SELECT * FROM api.suggest_tables(%s, %s, 3)", (reader, for_booking), prepare=True
            ).fetchall(),
            "hold": lambda i: conn.execute(
                "SELECT * FROM api.create_session_hold(%s, %s, %s::uuid[])",
                (reader, for_booking, [table(1, t - (i + 1) % 2)]),  # never the HTTP call's tables
                prepare=True,
            ).fetchall(),
        }
        for _ in range(sizes.rounds):
            times: dict[str, list[float]] = {}
            for i in range(sizes.read_calls + 5):  # the first 5 warm the caches and plans
                for layer, calls in (("http", http_calls), ("sql", sql_calls)):
                    for kind, call in calls.items():
                        started = time.perf_counter()
                        result = call(i)
                        took = time.perf_counter() - started
                        if isinstance(result, httpx.Response):
                            result.raise_for_status()
                        if i >= 5:
                            times.setdefault(f"{layer} {kind}", []).append(took)
            rounds.append({key: statistics.median(values) for key, values in times.items()})
        session = conn.execute(
            "SELECT id FROM seating.manual_assignment_sessions WHERE booking_id = %s AND status = 'HELD'",
            (for_booking,),
        ).fetchone()
        if session:
            conn.execute("SELECT api.cancel_session(%s, %s)", (reader, session[0]))
    return {"rounds": rounds}


# --- report ----------------------------------------------------------------------------------


def report(sizes: Sizes, url: str, screen: dict, fan: dict, cost: dict, smoke: bool) -> list[str]:
    with psycopg.connect(url, application_name=ME) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    lines = [
        HEADING + (" (smoke run, tiny sizes: not representative)" if smoke else ""),
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python -m bench.live` on {platform.machine()},"
        f" {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, PostgreSQL {version}; the app as"
        f" `python -m app serve --workers {WORKERS}`, the browser, the stream clients and this script on the same"
        " machine, which other engineers' test runs share: each figure is the median over"
        f" {sizes.rounds} rounds, with the range over rounds. Restaurant 1 of {sizes.restaurants}, {sizes.tables}"
        " tables, the last seating of the evening free.",
        "",
    ]
    lines.append(
        f"**Change to screen** ({sizes.screen_changes} changes per round): host 2's page in headless Chromium"
        " (1024×768) shows a booking's floor plan; this script, in turn, holds a table as host 1 through the API"
        " (`POST /api/staff/manual/session`), releases it (`DELETE`), and as a DBA runs `UPDATE"
        " seating.table_inventory SET active = false`, then `true`. Latency: from just before the committing call"
        " to the page's DOM showing the table's new `data-state` (a MutationObserver stamps it with"
        " `performance.now()`). Both clocks are CLOCK_MONOTONIC; the page's is mapped onto this script's by the"
        " `page.evaluate('performance.now()')` round trip with the smallest round-trip time (its half bounds the"
        " error). What the path includes: NOTIFY at commit, the app's listener, the SSE stream, the page's"
        " refetch of the assignment context, and its render."
    )
    lines.append("")
    if "skipped" in screen:
        lines.append(f"Skipped: {screen['skipped']}.")
        p99_screen = float("nan")
    else:
        rs = screen["rounds"]
        p99s = [pct(r["from_call"], 0.99) for r in rs]
        p99_screen = statistics.median(p99s)
        lines += [
            "| changes | p50 ms | p99 ms | max ms | p50 from the call's return ms | API p99 ms | SQL p99 ms"
            " | clock error ≤ ms | clock drift ms |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {sum(len(r['from_call']) for r in rs)} | {spread([pct(r['from_call'], 0.5) for r in rs])}"
            f" | {spread(p99s)} | {spread([max(r['from_call']) for r in rs])}"
            f" | {spread([pct(r['from_return'], 0.5) for r in rs])}"
            f" | {spread([pct(r['api'], 0.99) for r in rs])} | {spread([pct(r['sql'], 0.99) for r in rs])}"
            f" | {ms(max(r['trip'] for r in rs) / 2, 2)} | {ms(max(r['drift'] for r in rs), 2)} |",
            "",
            f"Target: p99 < 500 ms: {ms(p99_screen)} ms ({'met' if p99_screen < 0.5 else '**missed**'}).",
        ]
    lines.append("")
    fr = fan["rounds"]
    p99_fan = statistics.median(pct(r["delivery"], 0.99) for r in fr)
    listeners = max(r["listeners"] for r in fr)
    lines += [
        f"**Fan-out**: {sizes.main_streams} open event streams on restaurant 1 and {sizes.other_streams} on"
        f" {sizes.restaurants - 1} others (raw HTTP clients in one asyncio process); {sizes.rate:g} changes a"
        f" second for {sizes.fan_seconds:g} s (a DBA's one-row UPDATE of `seating.table_inventory`, each one"
        " statement and one event; four in five on restaurant 1). Delivery: from the UPDATE's return (its commit)"
        " to the client reading the event. Each round on a freshly started server (4 streams opened and closed"
        " first, to warm it): memory is the RSS of the server and its workers with the streams open minus before,"
        " per stream; CPU is the server's and workers' over the changes, per event delivered to a stream."
        " Connections: the app's, from `pg_stat_activity`.",
        "",
        "| streams | changes/s | delivery p50 ms | p99 ms | max ms | app CPU per delivered event µs"
        " | RSS per stream KiB | app RSS before MiB | app connections | of which LISTEN"
        " | streams with exactly their restaurant's events | dropped |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {fan['streams']} | {spread([r['rate'] for r in fr], 1)} | {spread([pct(r['delivery'], 0.5) for r in fr])}"
        f" | {spread([pct(r['delivery'], 0.99) for r in fr])} | {spread([max(r['delivery']) for r in fr])}"
        f" | {spread([r['app_cpu_per_event'] for r in fr], 1e6, 0)}"
        f" | {spread([r['rss_per_stream'] for r in fr], 1 / 1024)} | {spread([r['rss_before'] for r in fr], 2**-20, 0)}"
        f" | {max(r['connections'] for r in fr)} | {listeners}"
        f" | {min(r['complete'] for r in fr)}/{fan['streams']} | {sum(r['dropped'] for r in fr)} |",
        "",
        f"Targets: one listener per process: {listeners} LISTEN connections for {WORKERS} workers"
        f" ({'met' if listeners == WORKERS else '**missed**'}); the other connections are the workers' pools"
        f" (DB_POOL_MIN_SIZE=2 each, idle). Delivery p99: {ms(p99_fan)} ms. Events on a stream of another"
        f" restaurant: {sum(r['wrong'] for r in fr)}.",
        "",
    ]
    cr = cost["rounds"]

    def ratio(key: str) -> str:
        layer = key.split()[0]
        return spread([r[key] / r[f"{layer} hold"] for r in cr], 1, 2)

    rows = [
        ("GET bookings list (`api.list_bookings`)", "bookings"),
        ("GET assignment context (`api.get_assignment_context`)", "context"),
        ("GET suggestions, 3 as the page asks (`api.suggest_tables`)", "suggestions"),
        ("POST session: a hold (`api.create_session_hold`)", "hold"),
    ]
    lines += [
        f"**The page's reads** ({sizes.read_calls} calls of each per round, interleaved): a page refetches the"
        " context and the suggestions on every change event, the bookings list on booking and assignment events."
        " Median time per call seen by the client: over HTTP (keep-alive, one client) and in SQL (the function"
        f" alone, prepared, one connection); restaurant 1's evening has {3 * sizes.tables} bookings,"
        f" {2 * sizes.tables} seated.",
        "",
        "| call | HTTP ms | × a hold | SQL ms | × a hold |",
        "|---|---|---|---|---|",
        *(
            f"| {name} | {spread([r[f'http {k}'] for r in cr], 1000, 2)} | {ratio(f'http {k}')}"
            f" | {spread([r[f'sql {k}'] for r in cr], 1000, 2)} | {ratio(f'sql {k}')} |"
            for name, k in rows
        ),
    ]
    context = statistics.median(r["http context"] + r["http suggestions"] for r in cr)
    main_rate = sizes.rate * 4 / 5
    lines += [
        "",
        f"A model from these figures, not a measurement: had each of the {sizes.main_streams} streams on"
        f" restaurant 1 been a page, each change would make each page read its plan once (context and suggestions)"
        f" ({sizes.main_streams} × {ms(context, 2)} ms = {sizes.main_streams * context:.2f} s of server time per"
        f" change; × {main_rate:g} changes a second = {sizes.main_streams * context * main_rate:.1f} s per second),"
        f" more than this machine's {os.cpu_count()} CPUs: the page's coalescing (one read in flight, one after)"
        " then caps each page's reads, and pages fall behind instead. See the notes.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script runs")
    parser.add_argument("--out", type=Path, default=None, help="the file to put the section in (BENCHMARKS.md)")
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else FULL
    out = args.out or (None if args.smoke else Path("BENCHMARKS.md"))

    server_url = os.environ.get("DATABASE_URL") or pgserver.start_throwaway()
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute('DROP DATABASE IF EXISTS "bench_live" WITH (FORCE)')
        admin.execute('CREATE DATABASE "bench_live"')
    url = migrations.conninfo_url({**conninfo_to_dict(server_url), "dbname": "bench_live"})
    build_chain(url, sizes.restaurants, sizes.tables)
    staff = {"acting": host(1, 1), "watching": host(1, 2), "reader": host(1, 3)}
    staff |= {f"r{r}": host(r, 4) for r in range(1, sizes.restaurants + 1)}
    tokens = dict(zip(staff, issue_tokens(url, list(staff.values())), strict=True))

    # A server per part (and per fan-out round): the app's connections are counted alone.
    print("3. the page's reads beside a hold", flush=True)
    cost = with_server(url, lambda port: reads(f"http://127.0.0.1:{port}", url, sizes, tokens))
    print("2. fan-out", flush=True)
    fan = fan_out(url, sizes, tokens)
    print("1. change to screen", flush=True)
    screen = with_server(url, lambda port: change_to_screen(f"http://127.0.0.1:{port}", url, sizes, tokens))
    lines = report(sizes, url, screen, fan, cost, args.smoke)
    section = "\n".join(lines) + "\n"
    print("\n" + section)
    if not args.smoke:
        SECTION_FILE.parent.mkdir(exist_ok=True)
        SECTION_FILE.write_text(section)
    if out is not None:
        splice_section(out, section)
        print(f"written to {out}" + ("" if args.smoke else f" and {SECTION_FILE.relative_to(Path.cwd())}"))


if __name__ == "__main__":
    main()
