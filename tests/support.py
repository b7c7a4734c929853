"""Helpers for tests at the SQL level: a restaurant loaded the way a DBA loads one (plain
INSERTs as the owner), api calls, and error assertions."""

from __future__ import annotations

import copy
import json
import random
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from app.db import scalar
from app.errors import SQLSTATE_ERRORS

CODE_TO_SQLSTATE = {code: state for state, (code, _status) in SQLSTATE_ERRORS.items()}
EVENING = datetime(2030, 6, 1, 19, 0, tzinfo=UTC)


class Floor:
    """One restaurant with zones, tables, adjacency, staff and bookings.

    Table ids increase with creation order, so tests can reason about the lock order (by id)."""

    def __init__(self, conn: psycopg.Connection, **settings):
        self.conn = conn
        self._prefix = random.getrandbits(64) << 64
        self._next = 0
        columns = ["name", *settings]
        self.id = scalar(
            conn,
            f"INSERT INTO seating.restaurants ({', '.join(columns)})"
            f" VALUES ({', '.join(['%s'] * len(columns))}) RETURNING id",
            ["Test Bistro", *settings.values()],
        )
        self.zones: dict[str, uuid.UUID] = {}
        self.tables: dict[str, uuid.UUID] = {}
        self.staff: dict[str, uuid.UUID] = {}

    def using(self, conn: psycopg.Connection) -> Floor:
        """The same floor, writing through another connection (one per thread)."""
        view = copy.copy(self)
        view.conn = conn
        return view

    def _uuid(self) -> uuid.UUID:
        self._next += 1
        return uuid.UUID(int=self._prefix | self._next)

    def zone(self, name: str) -> uuid.UUID:
        self.zones[name] = scalar(
            self.conn, "INSERT INTO seating.zones (restaurant_id, name) VALUES (%s, %s) RETURNING id", (self.id, name)
        )
        return self.zones[name]

    def table(self, number: str, capacity: int = 2, zone: str = "Main", **columns) -> uuid.UUID:
        if zone not in self.zones:
            self.zone(zone)
        values = {
            "id": self._uuid(),
            "restaurant_id": self.id,
            "zone_id": self.zones[zone],
            "table_number": number,
            "capacity": capacity,
            **columns,
        }
        self.conn.execute(
            f"INSERT INTO seating.table_inventory ({', '.join(values)}) VALUES ({', '.join(['%s'] * len(values))})",
            list(values.values()),
        )
        self.tables[number] = values["id"]
        return values["id"]

    def adjacent(self, a: str, b: str) -> None:
        self.conn.execute(
            "INSERT INTO seating.table_adjacencies VALUES (%s, %s, %s)", (self.id, self.tables[a], self.tables[b])
        )

    def person(self, name: str, role: str | None) -> uuid.UUID:
        staff_id = scalar(
            self.conn,
            "INSERT INTO seating.staff (display_name, email) VALUES (%s, %s) RETURNING id",
            (name, f"{name.lower().replace(' ', '.')}.{uuid.uuid4().hex[:8]}@example.com"),
        )
        if role:
            self.conn.execute(
                "INSERT INTO seating.restaurant_memberships VALUES (%s, %s, %s)", (staff_id, self.id, role)
            )
        self.staff[name] = staff_id
        return staff_id

    def booking(
        self,
        party_size: int = 2,
        start: datetime = EVENING,
        minutes: int = 90,
        status: str = "pending",
        guest: str = "Guest",
    ) -> uuid.UUID:
        return scalar(
            self.conn,
            "INSERT INTO seating.bookings (restaurant_id, party_size, start_at, end_at, status, guest_name)"
            " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            (self.id, party_size, start, start + timedelta(minutes=minutes), status, guest),
        )

    def ids(self, *numbers: str) -> list[uuid.UUID]:
        return [self.tables[n] for n in numbers]


def standard_floor(conn: psycopg.Connection, **settings) -> Floor:
    """Main: T1 (2) - T2 (2) - T3 (4) - T4 (4) - T5 (6, fixed) in a row; T6 (2) out of service.
    Terrace: T7 (4) - T8 (4). Staff of every role, and Otto who works elsewhere."""
    floor = Floor(conn, **settings)
    for number, capacity in [("T1", 2), ("T2", 2), ("T3", 4), ("T4", 4)]:
        floor.table(number, capacity)
    floor.table("T5", 6, mobility="fixed")
    floor.table("T6", 2, active=False)
    floor.table("T7", 4, zone="Terrace")
    floor.table("T8", 4, zone="Terrace")
    for a, b in [("T1", "T2"), ("T2", "T3"), ("T3", "T4"), ("T4", "T5"), ("T7", "T8")]:
        floor.adjacent(a, b)
    for name, role in [
        ("Olga Owner", "owner"),
        ("Max Manager", "manager"),
        ("Hana Host", "host"),
        ("Hugo Host", "host"),
        ("Sam Server", "server"),
        ("Otto Outsider", None),
    ]:
        floor.person(name, role)
    return floor


def call(conn: psycopg.Connection, function: str, *args) -> dict[str, Any]:
    """SELECT * FROM api.<function>(args...): its first row as a dict (AssertionError if none)."""
    placeholders = ", ".join(["%s"] * len(args))
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(f"SELECT * FROM api.{function}({placeholders})", args).fetchone()
    assert row is not None, f"api.{function} returned no row"
    return row


def hold(conn, staff, booking, tables, require_adjacency=None) -> dict:
    return call(conn, "create_session_hold", staff, booking, list(tables), require_adjacency)


def check(result: dict, check_id: str) -> dict:
    return next(c for c in result["checks"] if c["id"] == check_id)


def failing(result: dict) -> list[str]:
    return [c["id"] for c in result["checks"] if c["severity"] == "error"]


class RaisedCode:
    """What raises_code yields; after the block: the error (value), its message and its DETAIL's
    details."""

    def __init__(self, info: pytest.ExceptionInfo[psycopg.Error]) -> None:
        self._info = info
        self.message = ""
        self.details: Any = None

    @property
    def value(self) -> psycopg.Error:
        return self._info.value


@contextmanager
def raises_code(code: str) -> Iterator[RaisedCode]:
    """Expect a documented application error: its SQLSTATE, code in DETAIL, a message and hint."""
    with pytest.raises(psycopg.Error) as info:
        raised = RaisedCode(info)
        yield raised
    diag = info.value.diag
    assert diag.sqlstate == CODE_TO_SQLSTATE[code], (diag.sqlstate, diag.message_primary)
    assert diag.message_detail is not None, (diag.sqlstate, diag.message_primary)
    detail = json.loads(diag.message_detail)
    assert detail["code"] == code
    assert diag.message_primary and diag.message_hint
    raised.message = diag.message_primary
    raised.details = detail["details"]


def expire_hold(conn: psycopg.Connection, session_id) -> None:
    """Move a session's hold expiry into the past: time passing, without waiting for it."""
    conn.execute(
        "UPDATE seating.manual_assignment_sessions SET hold_expires_at = now() - interval '1 second'"
        " WHERE id = %s AND status = 'HELD'",
        (session_id,),
    )
    conn.execute(
        "UPDATE seating.table_holds SET expires_at = now() - interval '1 second' WHERE session_id = %s", (session_id,)
    )


def ledger(conn: psycopg.Connection, booking=None) -> list[dict]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT a.id, t.table_number, a.kind, a.booking_id, a.hold_id FROM seating.allocations a"
            " JOIN seating.table_inventory t ON t.restaurant_id = a.restaurant_id AND t.id = a.table_id"
            " WHERE %(b)s::uuid IS NULL OR a.booking_id = %(b)s ORDER BY t.table_number, a.id",
            {"b": booking},
        ).fetchall()


def current_tables(conn: psycopg.Connection, booking) -> list:
    """The booking's current assignment (booking_table_assignments rows not released), sorted."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT table_id FROM seating.booking_table_assignments WHERE booking_id = %s AND released_at IS NULL"
            " ORDER BY table_id",
            (booking,),
        )
    ]


def integrity(conn: psycopg.Connection) -> list[tuple]:
    """api.check_integrity(): one row per broken invariant; must always be empty."""
    return conn.execute("SELECT * FROM api.check_integrity()").fetchall()


def events(conn: psycopg.Connection, session_id) -> list[tuple]:
    return conn.execute(
        "SELECT from_status, to_status, reason FROM seating.session_events WHERE session_id = %s ORDER BY id",
        (session_id,),
    ).fetchall()


def overlapping_allocations(conn: psycopg.Connection) -> list[tuple]:
    """Pairs of ledger rows that overlap on one table: must always be empty."""
    return conn.execute(
        "SELECT a.id, b.id FROM seating.allocations a JOIN seating.allocations b"
        "  ON a.restaurant_id = b.restaurant_id AND a.table_id = b.table_id AND a.id < b.id AND a.during && b.during"
    ).fetchall()


def wait_until_blocked(observer: psycopg.Connection, pid: int, timeout: float = 10.0) -> None:
    """Block until backend `pid` waits on a lock: the explicit step order of an isolation test."""
    done = threading.Event()
    deadline = datetime.now() + timedelta(seconds=timeout)
    while not done.is_set():
        if scalar(observer, "SELECT cardinality(pg_blocking_pids(%s)) > 0", (pid,)):
            return
        if datetime.now() > deadline:
            raise AssertionError(f"backend {pid} never blocked on a lock")
        done.wait(0.005)
