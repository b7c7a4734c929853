"""Model-based test: random sequences of hold / change / confirm / cancel / expire / sweep by
several staff over two bookings and three tables, checked against a small Python model of the
state machine (DESIGN §5) after every step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import psycopg
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from app.errors import SQLSTATE_ERRORS
from tests.support import Floor, call, current_tables, expire_hold, integrity, overlapping_allocations

STAFF = range(3)
BOOKINGS = range(2)
TABLES = range(3)
ACTIVE = ("PROPOSED", "HELD")


@dataclass
class ModelSession:
    staff: int
    booking: int
    status: str
    tables: frozenset
    expired: bool = False  # HELD but past its expiry: reads as EXPIRED

    @property
    def seen_status(self) -> str:
        return "EXPIRED" if self.status == "HELD" and self.expired else self.status

    @property
    def live_hold(self) -> bool:
        return self.status == "HELD" and not self.expired


@dataclass
class Model:
    sessions: dict = field(default_factory=dict)  # db id -> ModelSession
    assignments: dict = field(default_factory=lambda: {b: frozenset() for b in BOOKINGS})

    def latest(self, staff: int, booking: int):
        mine = [sid for sid, s in self.sessions.items() if (s.staff, s.booking) == (staff, booking)]
        return mine[-1] if mine else None

    def passes(self, session_id, booking: int, tables: frozenset) -> bool:
        for sid, s in self.sessions.items():
            if sid != session_id and s.live_hold and s.tables & tables:
                return False
        return not any(self.assignments[b] & tables for b in BOOKINGS if b != booking)


def error_code(error: psycopg.Error) -> str:
    sqlstate = error.diag.sqlstate
    assert sqlstate is not None, f"an error without a SQLSTATE: {error}"
    return SQLSTATE_ERRORS[sqlstate][0]


class SessionMachine(RuleBasedStateMachine):
    def __init__(self, conn: psycopg.Connection):
        super().__init__()
        self.conn = conn
        self.floor = Floor(conn)  # a fresh restaurant per example
        self.tables = [self.floor.table(f"T{t}", 2) for t in TABLES]
        self.staff = [self.floor.person(f"Host {s}", "host") for s in STAFF]
        self.bookings = [self.floor.booking(party_size=2, guest=f"Guest {b}") for b in BOOKINGS]
        self.model = Model()
        call(conn, "expire_sessions")  # the sweeper is global: settle earlier examples' holds first

    def _call(self, function, *args):
        try:
            return call(self.conn, function, *args), None
        except psycopg.Error as error:
            return None, error_code(error)

    @rule(
        staff=st.sampled_from(STAFF),
        booking=st.sampled_from(BOOKINGS),
        tables=st.sets(st.sampled_from(TABLES), min_size=1).map(frozenset),
    )
    def hold(self, staff, booking, tables):
        model = self.model
        active = model.latest(staff, booking)
        if active is not None and not (model.sessions[active].status in ACTIVE and not model.sessions[active].expired):
            if model.sessions[active].status == "HELD":
                model.sessions[active].status = "EXPIRED"  # the call records what time decided
            active = None
        passes = model.passes(active, booking, tables)

        result, error = self._call(
            "create_session_hold",
            self.staff[staff],
            self.bookings[booking],
            [self.tables[t] for t in sorted(tables)],
            False,
        )
        assert error is None
        assert result["status"] == ("HELD" if passes else "PROPOSED")
        assert result["created"] is (active is None)
        if active is not None:
            assert result["id"] == active
        model.sessions[result["id"]] = ModelSession(staff, booking, result["status"], tables)

    @rule(staff=st.sampled_from(STAFF), booking=st.sampled_from(BOOKINGS))
    def confirm(self, staff, booking):
        model = self.model
        sid = model.latest(staff, booking)
        if sid is None:
            return
        session = model.sessions[sid]
        expected_error = {"CANCELLED": "SESSION_CLOSED", "EXPIRED": "HOLD_EXPIRED", "PROPOSED": "SESSION_NOT_HELD"}.get(
            session.seen_status
        )
        result, error = self._call("confirm_session", self.staff[staff], sid)
        assert error == expected_error
        if error is None and session.status == "HELD":
            for other_id, other in model.sessions.items():
                if other_id != sid and other.booking == booking and other.status in ACTIVE:
                    other.status = "EXPIRED" if other.expired else "CANCELLED"
            session.status = "CONFIRMED"
            model.assignments[booking] = session.tables
        if error is None:
            assert result["status"] == "CONFIRMED"

    @rule(staff=st.sampled_from(STAFF), booking=st.sampled_from(BOOKINGS))
    def cancel(self, staff, booking):
        sid = self.model.latest(staff, booking)
        if sid is None:
            return
        session = self.model.sessions[sid]
        result, error = self._call("cancel_session", self.staff[staff], sid)
        if session.status == "CONFIRMED":
            assert error == "SESSION_CLOSED"
            return
        assert error is None
        if session.status in ACTIVE:
            session.status = "EXPIRED" if session.expired else "CANCELLED"
        assert result["status"] == session.status

    @rule(staff=st.sampled_from(STAFF), booking=st.sampled_from(BOOKINGS))
    def time_passes(self, staff, booking):
        sid = self.model.latest(staff, booking)
        if sid is not None and self.model.sessions[sid].status == "HELD":
            expire_hold(self.conn, sid)
            self.model.sessions[sid].expired = True

    @rule()
    def sweep(self):
        expected = [s for s in self.model.sessions.values() if s.status == "HELD" and s.expired]
        assert call(self.conn, "expire_sessions")["expire_sessions"] == len(expected)
        for session in expected:
            session.status = "EXPIRED"

    @invariant()
    def database_agrees(self):
        for sid, session in self.model.sessions.items():
            read = call(self.conn, "get_session", self.staff[session.staff], sid)
            assert read["status"] == session.seen_status, (sid, session)
            assert read["proposed_tables"] == [str(self.tables[t]) for t in sorted(session.tables)]
        for booking in BOOKINGS:
            assigned = set(current_tables(self.conn, self.bookings[booking]))
            assert assigned == {self.tables[t] for t in self.model.assignments[booking]}
        assert overlapping_allocations(self.conn) == []
        assert integrity(self.conn) == []


def test_sessions_follow_the_model(conn):
    run_state_machine_as_test(
        # Any factory of a machine will do (hypothesis' docstring); its annotation says a class.
        cast("type[RuleBasedStateMachine]", lambda: SessionMachine(conn)),
        settings=settings(
            max_examples=60, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )
