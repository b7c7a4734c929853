"""Model-based test of a whole evening (DESIGN §5, §9): hosts hold, swap, confirm and cancel while
time passes, the sweeper runs and a DBA works in psql beside them — moving bookings, changing
party sizes, closing and reopening bookings, changing the turnover buffer, taking tables out of
service, deleting them and blocking them for maintenance. A small Python model of the floor
predicts every outcome; after every step the database must agree with it, `api.check_integrity()`
must be empty, and no two bookings may claim one table at overlapping real windows, computed
from `seating.bookings` and the current assignments and live holds (never from the ledger)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

import psycopg
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from app.errors import SQLSTATE_ERRORS
from tests.support import Floor, call, current_tables, expire_hold, failing, hold, integrity

OPENING = datetime(2030, 6, 1, 18, 0, tzinfo=UTC)  # times below are minutes after this
STAFF = range(3)
TABLES = range(5)
CAPACITY = (2, 2, 4, 4, 2)
ADJACENT = {(0, 1), (1, 2), (2, 3), (3, 4)}  # a row of tables: T0 - T1 - T2 - T3 - T4
# (start, minutes, party) at a quarter-hour grain: each overlaps its neighbours and not the rest,
# so two bookings can share a table until one of them moves
INITIAL_BOOKINGS = ((0, 90, 2), (60, 90, 2), (120, 90, 4), (180, 90, 3))
BOOKINGS = range(len(INITIAL_BOOKINGS))
SLACK_BUDGET = 4
STARTS = st.sampled_from(range(0, 241, 15))
LENGTHS = st.sampled_from((30, 60, 90, 120))
CLOSED = ("completed", "cancelled", "no_show")
STATUSES = ("pending", "pending_allocation", "confirmed", "checked_in", *CLOSED)
ACTIVE = ("PROPOSED", "HELD")
SELECTION = st.sets(st.sampled_from(TABLES), min_size=1, max_size=3).map(frozenset)
SMALL_SELECTION = st.sets(st.sampled_from(TABLES), min_size=1, max_size=2).map(frozenset)


@dataclass
class Booking:
    start: int
    end: int
    party: int
    status: str = "pending"
    tables: frozenset = frozenset()  # the current assignment
    require_adjacency: bool | None = None  # as the session that assigned the tables asked

    @property
    def closed(self) -> bool:
        return self.status in CLOSED


@dataclass
class Session:
    staff: int
    booking: int
    status: str
    tables: frozenset
    require_adjacency: bool | None
    expired: bool = False  # HELD, but its expiry has passed

    @property
    def live_hold(self) -> bool:
        return self.status == "HELD" and not self.expired


@dataclass
class Maintenance:
    id: int
    table: int
    start: int
    end: int


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def connected(tables: frozenset) -> bool:
    first = min(tables)
    reached, frontier = {first}, [first]
    while frontier:
        here = frontier.pop()
        for a, b in ADJACENT:
            for x, y in ((a, b), (b, a)):
                if x == here and y in tables and y not in reached:
                    reached.add(y)
                    frontier.append(y)
    return reached == set(tables)


@dataclass
class Model:
    bookings: list
    buffer: int = 5
    active: dict = field(default_factory=lambda: dict.fromkeys(TABLES, True))
    deleted: set = field(default_factory=set)
    sessions: dict = field(default_factory=dict)  # db id -> Session
    maintenance: list = field(default_factory=list)

    def window(self, booking: int, buffer: int | None = None, times: tuple[int, int] | None = None) -> tuple[int, int]:
        start, end = times or (self.bookings[booking].start, self.bookings[booking].end)
        return start, end + (self.buffer if buffer is None else buffer)

    def latest(self, staff: int, booking: int):
        mine = [sid for sid, s in self.sessions.items() if (s.staff, s.booking) == (staff, booking)]
        return mine[-1] if mine else None

    def expired_in_the_way(self, tables, window) -> bool:
        """Whether a hold past its expiry, still HELD (no one has tidied it), sits on one of the
        tables during the window: it must block nothing."""
        return any(
            s.status == "HELD" and s.expired and s.tables & set(tables) and overlap(self.window(s.booking), window)
            for s in self.sessions.values()
        )

    def live_sessions(self, booking: int | None = None):
        return [
            (sid, s) for sid, s in self.sessions.items() if s.live_hold and (booking is None or s.booking == booking)
        ]

    def blocked(self, booking: int, tables, window, session_id=None, other_bookings_only=False) -> set:
        """Tables that another booking's assignment, a maintenance block or another session's live
        hold has during `window` (other_bookings_only: what a booking move checks)."""
        taken = set()
        for t in tables:
            if any(
                t in other.tables and not other.closed and overlap(self.window(o), window)
                for o, other in enumerate(self.bookings)
                if o != booking
            ):
                taken.add(t)
            if any(m.table == t and overlap((m.start, m.end), window) for m in self.maintenance):
                taken.add(t)
            for sid, s in self.live_sessions():
                if sid == session_id or t not in s.tables or (other_bookings_only and s.booking == booking):
                    continue
                if overlap(self.window(s.booking), window):
                    taken.add(t)
        return taken

    def failing(self, booking: int, tables: frozenset, require_adjacency, session_id=None) -> set:
        """The engine's failing checks (DESIGN §4) for a selection of existing tables."""
        b = self.bookings[booking]
        seats = sum(CAPACITY[t] for t in tables)
        checks = {
            "booking_status": b.closed,
            "active": not all(self.active[t] for t in tables),
            "capacity": seats < b.party,
            "slack": seats - b.party > SLACK_BUDGET,
            "adjacency": len(tables) > 1 and require_adjacency is not False and not connected(tables),
            "conflict": bool(self.blocked(booking, tables, self.window(booking), session_id)),
        }
        return {name for name, fails in checks.items() if fails}

    def in_use(self, table: int) -> bool:
        return any(table in b.tables for b in self.bookings if not b.closed) or any(
            table in s.tables for _, s in self.live_sessions()
        )

    def ledger_rows(self, buffer: int) -> list[tuple[int, tuple[int, int]]]:
        """(table, window) of every row in force under a turnover buffer: one per booking and table
        (an assignment, or a live hold), and the maintenance blocks."""
        claims = {(t, b) for b, booking in enumerate(self.bookings) if not booking.closed for t in booking.tables}
        claims |= {(t, s.booking) for _, s in self.live_sessions() for t in s.tables}
        rows = [(t, self.window(b, buffer)) for t, b in claims]
        return rows + [(m.table, (m.start, m.end)) for m in self.maintenance]


def error_code(error: psycopg.Error) -> str:
    return SQLSTATE_ERRORS[str(error.diag.sqlstate)][0]


def at(minutes: int) -> datetime:
    return OPENING + timedelta(minutes=minutes)


# Two open bookings claiming one table at overlapping windows, from bookings (start_at, end_at +
# the restaurant's buffer, half-open) and what they claim: the current assignment and the tables
# of live HELD sessions. Not one column of seating.allocations.
DOUBLE_CLAIMS = """
WITH claim AS (
    SELECT a.restaurant_id, a.table_id, a.booking_id FROM seating.booking_table_assignments AS a
     WHERE a.released_at IS NULL
    UNION
    SELECT s.restaurant_id, u.id, s.booking_id
      FROM seating.manual_assignment_sessions AS s,
           jsonb_array_elements_text(s.proposed_tables) AS p (value),
           LATERAL (SELECT p.value::uuid AS id) AS u
     WHERE s.status = 'HELD' AND s.hold_expires_at > now()
), real AS (
    SELECT c.table_id, c.booking_id,
           tstzrange(b.start_at, b.end_at + make_interval(mins => r.turnover_buffer_minutes), '[)') AS during
      FROM claim AS c
      JOIN seating.bookings AS b ON b.restaurant_id = c.restaurant_id AND b.id = c.booking_id
      JOIN seating.restaurants AS r ON r.id = c.restaurant_id
     WHERE b.status NOT IN ('completed', 'cancelled', 'no_show') AND c.restaurant_id = %(r)s
)
SELECT x.table_id, x.booking_id, y.booking_id
  FROM real AS x JOIN real AS y ON y.table_id = x.table_id AND y.booking_id > x.booking_id
 WHERE x.during && y.during
"""

# Two live holds of different sessions on one table at overlapping windows (any booking).
DOUBLE_HOLDS = """
WITH held AS (
    SELECT s.id, u.id AS table_id,
           tstzrange(b.start_at, b.end_at + make_interval(mins => r.turnover_buffer_minutes), '[)') AS during
      FROM seating.manual_assignment_sessions AS s
      JOIN seating.bookings AS b ON b.restaurant_id = s.restaurant_id AND b.id = s.booking_id
      JOIN seating.restaurants AS r ON r.id = s.restaurant_id,
           jsonb_array_elements_text(s.proposed_tables) AS p (value),
           LATERAL (SELECT p.value::uuid AS id) AS u
     WHERE s.status = 'HELD' AND s.hold_expires_at > now() AND s.restaurant_id = %(r)s
)
SELECT x.table_id, x.id, y.id FROM held AS x JOIN held AS y ON y.table_id = x.table_id AND y.id > x.id
 WHERE x.during && y.during
"""


class EveningMachine(RuleBasedStateMachine):
    def __init__(self, conn: psycopg.Connection):
        super().__init__()
        self.conn = conn
        self.floor = Floor(conn, turnover_buffer_minutes=5, slack_budget=SLACK_BUDGET)  # fresh per example
        self.tables = [self.floor.table(f"T{t}", CAPACITY[t]) for t in TABLES]
        for a, b in sorted(ADJACENT):
            self.floor.adjacent(f"T{a}", f"T{b}")
        self.staff = [self.floor.person(f"Host {s}", "host") for s in STAFF]
        self.bookings = [
            self.floor.booking(party_size=party, start=at(start), minutes=minutes, guest=f"Guest {b}")
            for b, (start, minutes, party) in enumerate(INITIAL_BOOKINGS)
        ]
        self.model = Model([Booking(start, start + minutes, party) for start, minutes, party in INITIAL_BOOKINGS])
        call(conn, "expire_sessions")  # the sweeper is global: settle earlier examples' holds first

    def teardown(self):
        # Leave no hold to expire by the clock during a later example and be counted by its sweep.
        for sid, session in self.model.sessions.items():
            if session.status == "HELD":
                expire_hold(self.conn, sid)
        call(self.conn, "expire_sessions")

    def _call(self, function, *args):
        try:
            return call(self.conn, function, *args), None
        except psycopg.Error as error:
            return None, error_code(error)

    def _dba(self, sql: str, *args) -> str | None:
        """A DBA's plain statement in psql (its own transaction); the SQLSTATE when refused."""
        try:
            self.conn.execute(sql, args)
        except psycopg.Error as error:
            return error.diag.sqlstate
        return None

    def _table_ids(self, tables) -> list:
        return [self.tables[t] for t in sorted(tables)]

    # --- hosts --------------------------------------------------------------------------------

    @rule(
        staff=st.sampled_from(STAFF),
        booking=st.sampled_from(BOOKINGS),
        tables=SELECTION,
        require_adjacency=st.sampled_from((None, False)),
    )
    def hold(self, staff, booking, tables, require_adjacency):
        self._hold(staff, booking, tables, require_adjacency)

    def _hold(self, staff, booking, tables, require_adjacency):
        model = self.model
        if tables & model.deleted:
            result, error = self._call(
                "create_session_hold",
                self.staff[staff],
                self.bookings[booking],
                self._table_ids(tables),
                require_adjacency,
            )
            assert error == "UNKNOWN_TABLES"  # and the whole call rolled back
            event("hold: UNKNOWN_TABLES")
            return
        active = model.latest(staff, booking)
        if active is not None and not (model.sessions[active].status in ACTIVE and not model.sessions[active].expired):
            if model.sessions[active].status == "HELD":
                model.sessions[active].status = "EXPIRED"  # the call records what time decided
            active = None
        expected = model.failing(booking, tables, require_adjacency, active)

        result, error = self._call(
            "create_session_hold", self.staff[staff], self.bookings[booking], self._table_ids(tables), require_adjacency
        )
        assert error is None
        assert set(failing(result)) == expected, (result["checks"], expected)
        if "conflict" not in expected:
            # Nothing live in the way, so nothing blocks: an expired hold on these tables included.
            assert next(c for c in result["checks"] if c["id"] == "conflict")["severity"] == "ok"
            if model.expired_in_the_way(tables, model.window(booking)):
                event("hold: passes over an expired hold")
        assert result["status"] == ("PROPOSED" if expected else "HELD")
        event(f"hold: {result['status']} {' '.join(sorted(expected))}".rstrip())
        assert result["created"] is (active is None)
        if active is not None:
            assert result["id"] == active
        model.sessions[result["id"]] = Session(staff, booking, result["status"], tables, require_adjacency)

    def _pair(self, data):
        """A (staff, booking) that has a session: the ones worth confirming, cancelling, expiring."""
        pairs = sorted({(s.staff, s.booking) for s in self.model.sessions.values()})
        return data.draw(st.sampled_from(pairs)) if pairs else None

    @rule(
        staff=st.sampled_from(STAFF),
        booking=st.sampled_from(BOOKINGS),
        tables=SMALL_SELECTION,
        require_adjacency=st.sampled_from((None, False)),
    )
    def hold_then_confirm(self, staff, booking, tables, require_adjacency):
        """The usual host: pick tables and confirm them straight away."""
        self._hold(staff, booking, tables, require_adjacency)
        self._confirm(staff, booking)

    @rule(data=st.data(), staff=st.sampled_from(STAFF))
    def confirm_onto_tables_of_another_time(self, data, staff):
        """Tables another booking has at another time: what makes a later move collide."""
        model = self.model
        choices = [
            (b, o)
            for b, booking in enumerate(model.bookings)
            for o, other in enumerate(model.bookings)
            if b != o
            and other.tables
            and not (booking.closed or other.closed)
            and not overlap(model.window(b), model.window(o))
        ]
        if choices:
            b, o = data.draw(st.sampled_from(choices))
            tables = model.bookings[o].tables
            self._hold(staff, b, tables, None if connected(tables) else False)
            self._confirm(staff, b)

    @rule(data=st.data())
    def confirm(self, data):
        if pair := self._pair(data):
            self._confirm(*pair)

    def _confirm(self, staff, booking):
        model = self.model
        sid = model.latest(staff, booking)
        if sid is None:
            return
        session = model.sessions[sid]
        seen = "EXPIRED" if session.status == "HELD" and session.expired else session.status
        expected_error = {"CANCELLED": "SESSION_CLOSED", "EXPIRED": "HOLD_EXPIRED", "PROPOSED": "SESSION_NOT_HELD"}.get(
            seen
        )
        if seen == "HELD" and model.failing(booking, session.tables, session.require_adjacency, sid):
            expected_error = "VALIDATION_FAILED"  # e.g. a table went out of service, the party grew
        result, error = self._call("confirm_session", self.staff[staff], sid)
        assert error == expected_error, (error, expected_error)
        event(f"confirm: {error or 'confirmed'}")
        if error is None and session.status == "HELD":
            for other_id, other in model.sessions.items():
                if other_id != sid and other.booking == booking and other.status in ACTIVE:
                    other.status = "EXPIRED" if other.status == "HELD" and other.expired else "CANCELLED"
            session.status = "CONFIRMED"
            b = model.bookings[booking]
            b.tables, b.require_adjacency = session.tables, session.require_adjacency
            if b.status in ("pending", "pending_allocation"):
                b.status = "confirmed"
        if error is None:
            assert result["status"] == "CONFIRMED"

    @rule(data=st.data())
    def cancel(self, data):
        if not (pair := self._pair(data)):
            return
        sid = self.model.latest(*pair)
        session = self.model.sessions[sid]
        result, error = self._call("cancel_session", self.staff[pair[0]], sid)
        if session.status == "CONFIRMED":
            assert error == "SESSION_CLOSED"
            return
        assert error is None
        if session.status in ACTIVE:
            session.status = "EXPIRED" if session.status == "HELD" and session.expired else "CANCELLED"
        assert result["status"] == session.status

    @rule(data=st.data())
    def time_passes(self, data):
        """One HELD session's hold runs out; nobody tidies it until someone touches it."""
        held = [sid for sid, s in self.model.sessions.items() if s.status == "HELD" and not s.expired]
        if held:
            sid = data.draw(st.sampled_from(held))
            expire_hold(self.conn, sid)
            self.model.sessions[sid].expired = True

    @rule()
    def sweep(self):
        expected = [s for s in self.model.sessions.values() if s.status == "HELD" and s.expired]
        assert call(self.conn, "expire_sessions")["expire_sessions"] == len(expected)
        for session in expected:
            session.status = "EXPIRED"

    # --- a DBA in psql --------------------------------------------------------------------------

    def _move(self, booking: int, start: int, end: int):
        model = self.model
        b = model.bookings[booking]
        had, was = b.tables, b.status
        error = self._dba(
            "UPDATE seating.bookings SET start_at = %s, end_at = %s WHERE id = %s",
            at(start),
            at(end),
            self.bookings[booking],
        )
        assert error is None  # the guest's new time is a fact: never refused
        lost: frozenset = frozenset()
        if not b.closed and (start, end) != (b.start, b.end):
            for _, s in model.sessions.items():
                if s.booking == booking and s.status == "HELD" and s.expired:
                    s.status = "EXPIRED"  # an expired hold ends rather than moves
            mine = b.tables.union(*(s.tables for _, s in model.live_sessions(booking)))
            taken = model.blocked(booking, mine, model.window(booking, times=(start, end)), other_bookings_only=True)
            for _, s in model.live_sessions(booking):
                if s.tables & taken:
                    s.status = "PROPOSED"
            lost = b.tables & taken
            b.tables = b.tables - taken
            if lost and b.status == "confirmed":
                b.status = "pending_allocation"
        b.start, b.end = start, end
        event(f"move: {'lost a table' if lost else 'kept its tables' if had else 'had no tables'}")
        # The facts, said plainly: tables taken at the new time are gone, the rest stay.
        now = set(current_tables(self.conn, self.bookings[booking]))
        assert now == {self.tables[t] for t in had - lost}
        if lost and was == "confirmed":
            assert self._status(booking) == "pending_allocation"

    @rule(booking=st.sampled_from(BOOKINGS), start=STARTS, minutes=LENGTHS)
    def move_booking(self, booking, start, minutes):
        self._move(booking, start, start + minutes)

    @rule(booking=st.sampled_from(BOOKINGS), onto=st.sampled_from(BOOKINGS))
    def move_onto_another_booking(self, booking, onto):
        other = self.model.bookings[onto]
        self._move(booking, other.start, other.end)

    def _sharing(self) -> list[tuple[int, int]]:
        """(booking, other): open bookings where `other` claims (an assignment or a live hold) a
        table that `booking` is assigned."""
        model = self.model
        pairs = []
        for b, booking in enumerate(model.bookings):
            for o, other in enumerate(model.bookings):
                held = other.tables.union(*(s.tables for _, s in model.live_sessions(o)))
                if o != b and not booking.closed and not other.closed and booking.tables & held:
                    pairs.append((b, o))
        return pairs

    @rule(data=st.data())
    def move_onto_a_taken_table(self, data):
        """A booking moved onto the time of another claim on one of its tables: another booking's
        assignment or live hold, or a maintenance block."""
        model = self.model
        moves = [(b, model.bookings[o].start, model.bookings[o].end) for b, o in self._sharing()]
        moves += [
            (b, m.start, m.start + 60)
            for b, booking in enumerate(model.bookings)
            for m in model.maintenance
            if m.table in booking.tables and not booking.closed
        ]
        if moves:
            self._move(*data.draw(st.sampled_from(moves)))

    @rule(data=st.data(), gap=st.sampled_from((0, 5, 10)))
    def move_right_after(self, data, gap):
        """Back to back with another booking on one table: free now, in the way of a longer
        turnover buffer."""
        pairs = self._sharing()
        if not pairs:
            return
        b, o = data.draw(st.sampled_from(pairs))
        booking, other = self.model.bookings[b], self.model.bookings[o]
        start = other.end + self.model.buffer + gap
        self._move(b, start, start + booking.end - booking.start)

    @rule(table=st.sampled_from(TABLES))
    def reinstall_table(self, table):
        """The DBA puts a deleted table back (same id, its neighbours again)."""
        model = self.model
        if table not in model.deleted:
            return
        self.conn.execute(
            "INSERT INTO seating.table_inventory (id, restaurant_id, zone_id, table_number, capacity)"
            " VALUES (%s, %s, %s, %s, %s)",
            (self.tables[table], self.floor.id, self.floor.zones["Main"], f"T{table}", CAPACITY[table]),
        )
        for a, b in sorted(ADJACENT):
            if table in (a, b) and not {a, b} & (model.deleted - {table}):
                self.floor.adjacent(f"T{a}", f"T{b}")
        model.deleted.discard(table)
        model.active[table] = True

    @rule(booking=st.sampled_from(BOOKINGS), party=st.integers(1, 10))
    def change_party(self, booking, party):
        assert (
            self._dba("UPDATE seating.bookings SET party_size = %s WHERE id = %s", party, self.bookings[booking])
            is None
        )
        self.model.bookings[booking].party = party  # nothing is released; the issues say what fails

    @rule(booking=st.sampled_from(BOOKINGS), status=st.sampled_from(STATUSES))
    def set_status(self, booking, status):
        b = self.model.bookings[booking]
        reopening = b.closed and status not in CLOSED
        assert (
            self._dba("UPDATE seating.bookings SET status = %s WHERE id = %s", status, self.bookings[booking]) is None
        )
        if status in CLOSED and not b.closed:
            for s in self.model.sessions.values():
                if s.booking == booking and s.status in ACTIVE:
                    s.status = "CANCELLED"
            b.tables = frozenset()
        b.status = status
        if status in CLOSED or reopening:
            assert current_tables(self.conn, self.bookings[booking]) == []  # closed or reopened: no tables

    @rule(minutes=st.sampled_from((0, 5, 15, 30, 45)))
    def change_buffer(self, minutes):
        model = self.model
        rows = model.ledger_rows(minutes)
        collides = any(t == u and overlap(w, v) for i, (t, w) in enumerate(rows) for u, v in rows[i + 1 :])
        before = self._ledger()
        error = self._dba(
            "UPDATE seating.restaurants SET turnover_buffer_minutes = %s WHERE id = %s", minutes, self.floor.id
        )
        if collides and minutes != model.buffer:
            assert error == "SA012"  # BUFFER_CONFLICT, and nothing half-applied
            event("buffer: BUFFER_CONFLICT")
            assert self._ledger() == before
        else:
            assert error is None
            event(f"buffer: {'changed' if minutes != model.buffer else 'unchanged'}")
            model.buffer = minutes

    @rule(table=st.sampled_from(TABLES), active=st.booleans())
    def set_active(self, table, active):
        assert (
            self._dba(
                "UPDATE seating.table_inventory SET active = %s WHERE restaurant_id = %s AND id = %s",
                active,
                self.floor.id,
                self.tables[table],
            )
            is None
        )
        if table not in self.model.deleted:
            self.model.active[table] = active

    @rule(table=st.sampled_from(TABLES))
    def delete_table(self, table):
        model = self.model
        # Table ids repeat across examples (Floor draws them from the seeded random): name the restaurant.
        error = self._dba(
            "DELETE FROM seating.table_inventory WHERE restaurant_id = %s AND id = %s",
            self.floor.id,
            self.tables[table],
        )
        if table in model.deleted:
            assert error is None  # nothing to delete
        elif model.in_use(table):
            assert error == "SA013"  # TABLE_IN_USE: deactivate it instead
            event("delete table: TABLE_IN_USE")
        else:
            assert error is None
            model.deleted.add(table)
            model.maintenance = [m for m in model.maintenance if m.table != table]  # its blocks go with it

    @rule(table=st.sampled_from(TABLES), start=STARTS, minutes=st.sampled_from((30, 60)))
    def block_for_maintenance(self, table, start, minutes):
        model = self.model
        if table in model.deleted:
            return
        window = (start, start + minutes)
        in_the_way = any(t == table and overlap(w, window) for t, w in model.ledger_rows(model.buffer))
        try:
            allocation_id = self._value(
                "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during)"
                " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s, '[)')) RETURNING id",
                self.floor.id,
                self.tables[table],
                at(start),
                at(start + minutes),
            )
        except psycopg.Error as error:
            assert in_the_way and error.diag.sqlstate == "23P01", error.diag.message_primary
            event("maintenance: refused")
            return
        assert not in_the_way  # an expired hold is no one's: it must not have refused this
        if model.expired_in_the_way({table}, window):
            event("maintenance: over an expired hold")
        model.maintenance.append(Maintenance(allocation_id, table, *window))

    @rule(data=st.data())
    def end_maintenance(self, data):
        if not self.model.maintenance:
            return
        block = data.draw(st.sampled_from(self.model.maintenance))
        assert (
            self._dba("DELETE FROM seating.allocations WHERE restaurant_id = %s AND id = %s", self.floor.id, block.id)
            is None
        )
        self.model.maintenance.remove(block)

    # --- after every step -------------------------------------------------------------------------

    def _value(self, sql: str, *args):
        row = self.conn.execute(sql, args).fetchone()
        assert row is not None
        return row[0]

    def _status(self, booking: int) -> str:
        return self._value("SELECT status FROM seating.bookings WHERE id = %s", self.bookings[booking])

    def _ledger(self) -> list:
        return self.conn.execute(
            "SELECT id, table_id, booking_id, kind, during FROM seating.allocations"
            " WHERE restaurant_id = %s ORDER BY id",
            (self.floor.id,),
        ).fetchall()

    @invariant()
    def no_table_is_given_twice(self):
        # Earlier examples' restaurants stay in the database: judge this one (a failed example
        # would otherwise fail every later one).
        assert [row for row in integrity(self.conn) if row[1] == self.floor.id] == []
        assert self.conn.execute(DOUBLE_CLAIMS, {"r": self.floor.id}).fetchall() == []
        assert self.conn.execute(DOUBLE_HOLDS, {"r": self.floor.id}).fetchall() == []

    @invariant()
    def database_agrees(self):
        model, conn = self.model, self.conn
        table_index = {table_id: t for t, table_id in enumerate(self.tables)}
        rows = conn.execute(
            "SELECT b.id, b.status, b.party_size, b.start_at, b.end_at,"
            "       ARRAY(SELECT a.table_id FROM seating.booking_table_assignments AS a"
            "              WHERE a.booking_id = b.id AND a.released_at IS NULL),"
            "       ARRAY(SELECT i ->> 'id' FROM jsonb_array_elements(seating._assignment_issues(b, r)) AS i)"
            "  FROM seating.bookings AS b JOIN seating.restaurants AS r ON r.id = b.restaurant_id"
            " WHERE b.restaurant_id = %s",
            (self.floor.id,),
        ).fetchall()
        by_id = {row[0]: row[1:] for row in rows}
        for i, booking_id in enumerate(self.bookings):
            b = model.bookings[i]
            status, party, start_at, end_at, tables, issues = by_id[booking_id]
            assert (status, party, start_at, end_at) == (b.status, b.party, at(b.start), at(b.end)), i
            assert {table_index[t] for t in tables} == b.tables, (i, b)
            if b.closed:
                assert tables == []
            expected = (
                model.failing(i, b.tables, b.require_adjacency) - {"booking_status", "conflict"} if b.tables else set()
            )
            assert set(issues) == expected, (i, b, issues)
        sessions = conn.execute(
            "SELECT id, status, status = 'HELD' AND hold_expires_at <= now(), proposed_tables"
            "  FROM seating.manual_assignment_sessions WHERE restaurant_id = %s",
            (self.floor.id,),
        ).fetchall()
        assert len(sessions) == len(model.sessions)
        for sid, status, expired, proposed in sessions:
            s = model.sessions[sid]
            assert (status, expired) == (s.status, s.status == "HELD" and s.expired), (sid, s)
            assert {table_index[uuid.UUID(t)] for t in proposed} == s.tables
        buffer = self._value("SELECT turnover_buffer_minutes FROM seating.restaurants WHERE id = %s", self.floor.id)
        assert buffer == model.buffer
        tables = dict(
            conn.execute(
                "SELECT id, active FROM seating.table_inventory WHERE restaurant_id = %s", (self.floor.id,)
            ).fetchall()
        )
        assert {table_index[t]: a for t, a in tables.items()} == {
            t: model.active[t] for t in TABLES if t not in model.deleted
        }
        assert sorted(r[0] for r in self._ledger() if r[3] == "maintenance") == sorted(m.id for m in model.maintenance)


def test_an_evening_follows_the_model(conn):
    run_state_machine_as_test(
        # Any factory of a machine will do (hypothesis' docstring); its annotation says a class.
        cast("type[RuleBasedStateMachine]", lambda: EveningMachine(conn)),
        settings=settings(
            max_examples=60, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )


# What the model found, each as the shortest sequence that shows it.


def test_a_proposal_for_a_closed_booking_keeps_integrity_clean(conn, floor):
    booking = floor.booking(status="cancelled")
    result = hold(conn, floor.staff["Hana Host"], booking, floor.ids("T1"))
    assert result["status"] == "PROPOSED" and failing(result) == ["booking_status"]
    assert integrity(conn) == []
