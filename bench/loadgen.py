"""A small HTTP/1.1 load generator: keep-alive connections on asyncio streams, one per client, each
running a scenario until a deadline, on uvloop where it exists, with msgspec for JSON. Kept cheap
per request (pgbench, the SQL-level baseline, is C), because on the same machine every cycle it
spends is taken from the server it measures; bench/notes.md has its cost per request."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import msgspec


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # request kind -> seconds
    statuses: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)

    def record(self, kind: str, status: int, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.statuses[status] += 1

    def all_latencies(self) -> list[float]:
        return [s for values in self.latencies.values() for s in values]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Connection:
    def __init__(self, host: str, port: int, token: str, tally: Tally):
        self.host, self.port, self.token, self.tally = host, port, token, tally

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        self.writer.close()

    async def request(self, kind: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        payload = msgspec.json.encode(body) if body is not None else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        started = time.perf_counter()
        self.writer.write(head.encode() + payload)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        data = await self.reader.readexactly(length) if length else b""
        self.tally.record(kind, status, time.perf_counter() - started)
        return status, (msgspec.json.decode(data) if data else {})


async def run(
    host: str, port: int, clients: Sequence[tuple[str, object]], scenario, seconds: float
) -> tuple[Tally, float]:
    """Run scenario(connection, client_state, deadline) for each (token, state) at once."""
    tally = Tally()
    connections = [Connection(host, port, token, tally) for token, _ in clients]
    for connection in connections:
        await connection.open()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(scenario(connection, state, deadline) for connection, (_, state) in zip(connections, clients, strict=True))
    )
    elapsed = time.perf_counter() - started
    for connection in connections:
        await connection.close()
    return tally, elapsed


def drive(host: str, port: int, clients: Sequence[tuple[str, object]], scenario, seconds: float) -> tuple[Tally, float]:
    """run() to the end, on uvloop where it is installed."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(run(host, port, clients, scenario, seconds))
    return uvloop.run(run(host, port, clients, scenario, seconds))
