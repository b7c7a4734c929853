"""Request and response bodies (msgspec), camelCase on the wire: msgspec's rename="camel" makes it
from the snake_case field names, which are the api functions' column names."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar.openapi import ResponseSpec
from msgspec import Meta, Struct

SessionStatus = Literal["PROPOSED", "HELD", "CONFIRMED", "CANCELLED", "EXPIRED"]
TableState = Literal["inactive", "blocked", "assigned", "held", "free"]


class HoldRequest(Struct, rename="camel", forbid_unknown_fields=True):
    """Tables to hold for a booking. Repeating the request refreshes the same hold."""

    booking_id: UUID
    table_ids: Annotated[list[UUID], Meta(min_length=1, max_length=20)]
    require_adjacency: bool | None = None


class Check(Struct):
    id: str
    severity: Literal["ok", "warning", "error"]
    message: str
    details: dict[str, Any]


class Assignment(Struct, rename="camel"):
    table_ids: list[UUID]
    assigned_by: UUID
    assigned_at: datetime


class Session(Struct, rename="camel"):
    id: UUID
    booking_id: UUID
    restaurant_id: UUID
    created_by: UUID
    status: SessionStatus
    proposed_tables: list[UUID]
    hold_expires_at: datetime | None
    last_validated_at: datetime | None
    checks: list[Check]
    created_at: datetime
    updated_at: datetime
    assignment: Assignment | None = None


class Window(Struct):
    start: datetime
    end: datetime


class Position(Struct):
    x: float
    y: float


class Blocker(Struct, rename="camel", omit_defaults=True):
    kind: Literal["maintenance", "assignment", "hold"]
    window: Window
    booking_id: UUID | None = None
    guest_name: str | None = None
    held_by: UUID | None = None
    held_by_name: str | None = None
    expires_at: datetime | None = None
    note: str | None = None


class FloorTable(Struct, rename="camel"):
    id: UUID
    table_number: str
    zone_id: UUID
    capacity: int
    min_party_size: int
    max_party_size: int | None
    mobility: Literal["movable", "fixed"]
    position: Position | None
    adjacent_table_ids: list[UUID]
    state: TableState
    blocker: Blocker | None


class BookingView(Struct, rename="camel"):
    id: UUID
    restaurant_id: UUID
    party_size: int
    status: str
    guest_name: str | None
    start_at: datetime
    end_at: datetime
    window: Window


class RestaurantView(Struct, rename="camel"):
    id: UUID
    name: str
    timezone: str
    adjacency_mode: str
    hold_ttl_seconds: int


class Zone(Struct):
    id: UUID
    name: str


class AssignmentContext(Struct, rename="camel"):
    restaurant: RestaurantView
    booking: BookingView
    current_assignment: list[UUID]
    assignment_issues: list[Check]
    session: Session | None
    zones: list[Zone]
    tables: list[FloorTable]


class DayBooking(Struct, rename="camel"):
    """A booking in the day view: its current tables (numbers in natural order), needsTables
    (open and without tables) and assignmentIssues (the failing checks of its current tables)."""

    id: UUID
    guest_name: str | None
    party_size: int
    start_at: datetime
    end_at: datetime
    status: str
    table_ids: list[UUID]
    table_numbers: list[str]
    needs_tables: bool
    assignment_issues: list[dict[str, Any]]


class DayBookings(Struct):
    bookings: list[DayBooking]


class EventTicket(Struct, rename="camel"):
    """A ticket for GET /api/staff/restaurants/{restaurantId}/events?ticket=: single use, short-lived."""

    ticket: str
    expires_at: datetime


class Reason(Struct):
    factor: str
    value: int | None
    message: str


class Suggestion(Struct, rename="camel"):
    """One selection the constraint engine passes now; rank 1 is the best."""

    rank: int
    table_ids: list[UUID]
    table_numbers: list[str]
    total_capacity: int
    slack: int
    score: int
    reasons: list[Reason]


class Suggestions(Struct):
    suggestions: list[Suggestion]


class AutoAssignOneRequest(Struct, rename="camel", forbid_unknown_fields=True):
    """Optional body of a booking's auto-assign: requireAdjacency as on a hold (null: the
    restaurant's setting)."""

    require_adjacency: bool | None = None


class AutoAssignRequest(Struct, forbid_unknown_fields=True):
    """Seat the open bookings without tables that start in [from, to) (at most 31 days)."""

    from_: Annotated[datetime, Meta(tz=True)] = msgspec.field(name="from")  # with a UTC offset: no guessing
    to: Annotated[datetime, Meta(tz=True)]


class AutoAssignOutcome(Struct, rename="camel"):
    booking_id: UUID
    outcome: Literal["assigned", "no_fit"]
    table_ids: list[UUID] | None
    reason: str


class AutoAssignResults(Struct):
    results: list[AutoAssignOutcome]


class ErrorDetail(Struct):
    code: str
    message: str
    details: dict[str, Any]


class ErrorBody(Struct):
    error: ErrorDetail


class Health(Struct):
    status: Literal["ok"]
    database: Literal["reachable"]
    migrated: bool


def camel(name: str) -> str:
    """msgspec's rename="camel" for a name that is no struct field (a path parameter in an error)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def from_row(row: dict[str, Any], kind: type[Struct]) -> Any:
    """An api function's result row as a struct. One rule, no renaming here: a column matches the
    struct field of the same (snake_case) name, and a JSON value, which SQL builds in camelCase,
    matches by the wire name, as a request body would. tests/http/test_shapes.py holds every
    function's columns and JSON keys to the OpenAPI schema."""
    return msgspec.convert(SimpleNamespace(**row), kind, strict=False, from_attributes=True)


# What each error status means on the api routes (docs/errors.md has every code); a route family
# with its own meanings (the legacy flow) overrides some.
ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "INVALID_INPUT: malformed JSON, missing or ill-typed fields, 1 to 20 tableIds,"
    " an id (in the path or query) that is not a UUID",
    401: "UNAUTHENTICATED: missing, malformed, unknown, expired or revoked bearer token",
    403: "FORBIDDEN: not a member of the (booking's) restaurant, or the role may not do this",
    404: "BOOKING_NOT_FOUND or SESSION_NOT_FOUND",
    409: "HOLD_EXPIRED, SESSION_NOT_HELD, SESSION_CLOSED or VALIDATION_FAILED (details.checks);"
    " NO_FIT (automatic assignment: details.reason says why)",
    422: "UNKNOWN_TABLES: table ids not in the booking's restaurant (details.tableIds)",
    503: "UNAVAILABLE: the database is unreachable or overloaded, or the request hit its deadline; retry",
}


def error_responses(
    *statuses: int, descriptions: dict[int, str] | None = None, always: tuple[int, ...] = (400, 401, 503)
) -> dict[int, ResponseSpec]:
    """OpenAPI responses of a route: the one error body for `always` and the given statuses."""
    described = {**ERROR_DESCRIPTIONS, **(descriptions or {})}
    return {s: ResponseSpec(data_container=ErrorBody, description=described[s]) for s in (*always, *statuses)}
