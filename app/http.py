"""The HTTP API (DESIGN §7): authenticate, turn one request into one SQL function call, map
errors. No business rule lives here."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Litestar, MediaType, Request, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException, HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter
from litestar.response import File, ServerSentEvent
from litestar.static_files import create_static_files_router

from app import db, docs, errors, events, logs, metrics
from app.errors import ApiError, unavailable
from app.legacy import legacy_controller
from app.me import me_controller
from app.schemas import (
    AssignmentContext,
    AutoAssignOneRequest,
    AutoAssignOutcome,
    AutoAssignRequest,
    AutoAssignResults,
    DayBooking,
    DayBookings,
    ErrorBody,
    EventTicket,
    Health,
    HoldRequest,
    Session,
    Suggestion,
    Suggestions,
    camel,
    error_responses,
    from_row,
)
from app.settings import Settings
from app.sweeper import sweeper_lifespan

log = logging.getLogger("seating")

_BEARER = re.compile(r"Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*", re.IGNORECASE)
_BODY_PATH = re.compile(r"`\$\.(.+)`$")  # where in the body msgspec found the problem

TokenHash = NamedDependency[bytes]
# A path id is parsed by msgspec as a UUID, exactly: 32 hex digits, hyphenated or not, and
# nothing else (no surrounding space, newline or NUL, no braces or urn: prefix).
SessionId = FromPath[Annotated[UUID, Parameter(description="A session id (UUID).")]]
BookingId = FromPath[Annotated[UUID, Parameter(description="A booking id (UUID).")]]


class StrictJSONRequest(Request):
    """Every JSON body is decoded by msgspec straight into the handler's declared `data` type in
    strict mode: a field of the wrong JSON type is refused, never coerced (Litestar's own path
    converts with strict=False, which turns "false", 0 or "null" into a boolean or None). The
    signature model then receives the typed value and passes it through unchanged.

    Errors: ValidationException (wrong types or shape, with the body path), ClientException
    (malformed JSON, invalid UTF-8, nesting too deep to parse)."""

    async def json(self) -> Any:
        data_field = self.route_handler.parsed_data_field
        target = data_field.annotation if data_field is not None else Any
        body = await self.body()
        try:
            return msgspec.json.decode(body or b"null", type=target, strict=True)
        except msgspec.ValidationError as error:
            located = _BODY_PATH.search(str(error))
            problem = {"message": str(error).split(" - ", 1)[0], "source": "body"}
            if located:
                problem["key"] = located.group(1)
            raise ValidationException(detail="Invalid request body", extra=[problem]) from None
        except (msgspec.DecodeError, RecursionError):
            # RecursionError: msgspec refuses nesting deeper than the interpreter's stack allows.
            raise ClientException(detail="The request body is not valid JSON (or is nested too deeply).") from None


RestaurantId = FromPath[Annotated[UUID, Parameter(description="A restaurant id (UUID).")]]
LocalDate = Annotated[date, QueryParameter(name="date", description="The restaurant's local date, YYYY-MM-DD.")]
Ticket = Annotated[str | None, QueryParameter(max_length=200, description="From POST .../event-tickets; single use.")]
STATIC_DIR = Path(__file__).resolve().parent / "static"


def _errors(*statuses: int) -> dict[int, ResponseSpec]:
    return error_responses(*statuses)


async def provide_token_hash(request: Request) -> bytes:
    """The SHA-256 of the bearer token: the token itself never leaves the app (whether it is
    valid is decided inside the SQL call)."""
    match = _BEARER.fullmatch(request.headers.get("authorization", ""))
    if match is None:
        raise ApiError(401, "UNAUTHENTICATED", "Send Authorization: Bearer <token>.", {})
    return db.token_hash(match.group(1))


class ManualAssignmentController(Controller):
    path = "/api/staff"
    tags = ["manual assignment"]
    # One dependency: Litestar resolves two or more in a task group of their own, on every request.
    # The pool comes from the app's state (a reserved argument, no dependency).
    dependencies = {"token_hash": Provide(provide_token_hash)}
    security = [{"bearer": []}]

    @post(
        "/manual/session",
        operation_id="createSessionHold",
        responses={
            200: ResponseSpec(data_container=Session, description="The caller's active session was updated"),
            201: ResponseSpec(data_container=Session, description="A session was started"),
            **_errors(403, 404, 422),
        },
    )
    async def create_session_hold(
        self, data: JSONBody[HoldRequest], token_hash: TokenHash, state: State
    ) -> Response[Session]:
        """Validate tables for a booking and hold them in one step: HELD when every check passes,
        else PROPOSED with the failing checks. Idempotent: the same tables refresh the same hold."""
        row = await db.create_session_hold(
            state.pool, token_hash, data.booking_id, data.table_ids, data.require_adjacency
        )
        return Response(from_row(row, Session), status_code=201 if row["created"] else 200)

    @put("/manual/session/{session_id:str}/confirm", operation_id="confirmSession", responses=_errors(403, 404, 409))
    async def confirm_session(self, session_id: SessionId, token_hash: TokenHash, state: State) -> Session:
        """Turn the session's hold into the booking's assignment (replacing any previous one)."""
        return from_row(await db.confirm_session(state.pool, token_hash, session_id), Session)

    @get("/manual/session/{session_id:str}", operation_id="getSession", responses=_errors(403, 404))
    async def get_session(self, session_id: SessionId, token_hash: TokenHash, state: State) -> Session:
        """Read a session; a hold past its expiry reads as EXPIRED."""
        return from_row(await db.get_session(state.pool, token_hash, session_id), Session)

    @delete(
        "/manual/session/{session_id:str}",
        operation_id="cancelSession",
        status_code=200,
        responses=_errors(403, 404, 409),
    )
    async def cancel_session(self, session_id: SessionId, token_hash: TokenHash, state: State) -> Session:
        """Cancel the session and release its hold (creator, or a manager or owner)."""
        return from_row(await db.cancel_session(state.pool, token_hash, session_id), Session)

    @get(
        "/bookings/{booking_id:str}/assignment-context",
        operation_id="getAssignmentContext",
        responses=_errors(403, 404),
    )
    async def get_assignment_context(
        self, booking_id: BookingId, token_hash: TokenHash, state: State
    ) -> AssignmentContext:
        """The floor plan for a booking: every table's state for its window, its current tables
        and the caller's active session."""
        return from_row(await db.get_assignment_context(state.pool, token_hash, booking_id), AssignmentContext)


class StaffPageController(Controller):
    """What the staff page reads besides the floor plan and the caller (app/me.py): the day's
    bookings, and a ticket for the restaurant's event stream."""

    path = "/api/staff"
    tags = ["staff page"]
    dependencies = {"token_hash": Provide(provide_token_hash)}
    security = [{"bearer": []}]

    @get("/restaurants/{restaurant_id:str}/bookings", operation_id="listBookings", responses=_errors(403))
    async def list_bookings(
        self, restaurant_id: RestaurantId, token_hash: TokenHash, state: State, day: LocalDate
    ) -> DayBookings:
        """The bookings that start on that local day, by time, with their current tables, a
        needsTables flag and assignmentIssues. FORBIDDEN also for a restaurant that does not exist."""
        rows = await db.list_bookings(state.pool, token_hash, restaurant_id, day)
        return DayBookings(bookings=[from_row(row, DayBooking) for row in rows])

    @post(
        "/restaurants/{restaurant_id:str}/event-tickets",
        operation_id="issueEventTicket",
        status_code=201,
        responses=_errors(403),
    )
    async def issue_event_ticket(self, restaurant_id: RestaurantId, token_hash: TokenHash, state: State) -> EventTicket:
        """A ticket for this restaurant's event stream: single use, valid for 30 seconds."""
        return from_row(await db.issue_event_ticket(state.pool, token_hash, restaurant_id), EventTicket)


_TICKET_REFUSED = ResponseSpec(
    data_container=ErrorBody,
    description=("UNAUTHENTICATED: the ticket is missing, unknown, used, expired or for another restaurant"),
)


@get(
    "/api/staff/restaurants/{restaurant_id:str}/events",
    operation_id="streamEvents",
    tags=["staff page"],
    responses={**_errors(403), 401: _TICKET_REFUSED},
)
async def stream_events(restaurant_id: RestaurantId, state: State, ticket: Ticket = None) -> ServerSentEvent:
    """Server-Sent Events: every change in the restaurant, as it commits. `ready` first (fetch
    what you show now), then one event per change named by its kind (`ledger`, `session`,
    `booking`, `table`) with JSON data {restaurantId, kind, op, bookingIds, tableIds[, ledgerKinds]};
    `resync` means refetch (also sent in place of a burst of changes the stream cannot queue);
    `dropped` ends a stream whose client stopped reading. Reconnect with a new ticket
    and refetch. EventSource sends no headers, hence the ticket."""
    if not ticket:
        raise ApiError(
            401, "UNAUTHENTICATED", "Send ?ticket= from POST /api/staff/restaurants/{restaurantId}/event-tickets.", {}
        )
    await db.redeem_event_ticket(state.pool, restaurant_id, ticket)
    broadcaster: events.Broadcaster = state.broadcaster
    subscriber = broadcaster.subscribe(str(restaurant_id))
    return ServerSentEvent(
        events.stream(broadcaster, subscriber, state.settings.event_keepalive_seconds),
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@get("/staff", operation_id="staffPage", include_in_schema=False, media_type=MediaType.HTML)
async def staff_page() -> File:
    """The staff page (DESIGN §11): plain HTML and ES modules under /staff/."""
    return File(STATIC_DIR / "index.html", content_disposition_type="inline", media_type=MediaType.HTML)


class AutoAssignmentController(Controller):
    """Suggestions and automatic assignment on the same engine and session path (DESIGN §12)."""

    path = "/api/staff"
    tags = ["automatic assignment"]
    dependencies = {"token_hash": Provide(provide_token_hash)}
    security = [{"bearer": []}]

    @get("/bookings/{booking_id:str}/suggestions", operation_id="suggestTables", responses=_errors(403, 404))
    async def suggest_tables(
        self,
        booking_id: BookingId,
        token_hash: TokenHash,
        state: State,
        limit: Annotated[int, Parameter(ge=1, le=50, description="How many (1-50)")] = 5,
        require_adjacency: Annotated[
            Literal["true", "false"] | None,  # exactly these: 1, TRUE or null are refused, not coerced
            QueryParameter(name="requireAdjacency", description="true or false; absent: the restaurant's setting"),
        ] = None,
    ) -> Suggestions:
        """The best selections for the booking right now, best first: each passes every check.
        Empty when nothing fits."""
        adjacency = None if require_adjacency is None else require_adjacency == "true"
        rows = await db.suggest_tables(state.pool, token_hash, booking_id, limit, adjacency)
        return Suggestions(suggestions=[from_row(row, Suggestion) for row in rows])

    @post(
        "/bookings/{booking_id:str}/auto-assign",
        operation_id="autoAssign",
        status_code=200,
        responses=_errors(403, 404, 409),
    )
    async def auto_assign(
        self,
        booking_id: BookingId,
        token_hash: TokenHash,
        state: State,
        data: JSONBody[AutoAssignOneRequest | None] = None,
    ) -> Session:
        """Hold and confirm the best suggestion through a session of the caller's; the session,
        CONFIRMED. Optional body {requireAdjacency}. 409 NO_FIT with details.reason when nothing
        fits."""
        require_adjacency = data.require_adjacency if data is not None else None
        return from_row(await db.auto_assign(state.pool, token_hash, booking_id, require_adjacency), Session)

    @post(
        "/restaurants/{restaurant_id:str}/auto-assign",
        operation_id="autoAssignPending",
        status_code=200,
        responses=_errors(403),
    )
    async def auto_assign_pending(
        self, restaurant_id: RestaurantId, data: JSONBody[AutoAssignRequest], token_hash: TokenHash, state: State
    ) -> AutoAssignResults:
        """Seat every open booking without tables that starts in [from, to): one result per
        booking, assigned (tableIds) or no_fit (reason). Running it again changes nothing."""
        rows = await db.auto_assign_pending(state.pool, token_hash, restaurant_id, data.from_, data.to)
        return AutoAssignResults(results=[from_row(row, AutoAssignOutcome) for row in rows])


@get(
    "/health",
    operation_id="health",
    tags=["operations"],
    responses={503: ResponseSpec(data_container=ErrorBody, description="UNAVAILABLE")},
)
async def health(state: State) -> Health:
    """200 when the database is reachable and migrated."""
    if not (await db.health(state.pool))["migrated"]:
        raise unavailable("The database is reachable but not migrated: run `python -m app migrate`.", "database")
    return Health(status="ok", database="reachable", migrated=True)


# --- errors: every response >= 400 is {"error": {"code", "message", "details"}} -------------


def _error_response(error: ApiError) -> Response[Any]:
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return Response(error.body(), status_code=error.status, headers=headers)


def handle_api_error(_: Request, exc: ApiError) -> Response[Any]:
    return _error_response(exc)


def handle_http_exception(_: Request, exc: HTTPException) -> Response[Any]:
    """Litestar's own errors (validation, routing, body size) in the one error shape."""
    details: dict[str, Any] = {}
    message = exc.detail
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        problems = [dict(e) for e in exc.extra if isinstance(e, dict)]
        for problem in problems:
            if problem.get("source") == "path":  # a path id that failed the UUID pattern
                problem["key"] = camel(str(problem.get("key")))
                problem["message"] = f"{problem['key']} must be a UUID"
            elif problem.get("key") == "data" and problem.get("message") == "'data'":  # no body at all
                problem["message"] = "A JSON body is required."
        details = {"errors": problems}
        message = "; ".join(str(p.get("message")) for p in problems) or message
    elif exc.status_code == 413:
        message = "The request body is too large."
    return _error_response(errors.from_framework(exc.status_code, message, details))


def handle_unexpected(_: Request, exc: Exception) -> Response[Any]:
    log.exception("unexpected error", exc_info=exc)
    return _error_response(errors.internal())


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    database_url = settings.database_url
    if not database_url:
        raise RuntimeError("DATABASE_URL is not set")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # wait=False: the app starts even while the database is down; calls answer 503 meanwhile.
        pool = db.create_pool(settings)
        await pool.open(wait=False)
        app.state.pool = pool
        app.state.settings = settings
        broadcaster = events.Broadcaster(
            database_url, queue_size=settings.event_queue_size, stall_seconds=settings.event_keepalive_seconds
        )
        broadcaster.start()
        app.state.broadcaster = broadcaster
        events.end_streams_on_exit_signals()
        try:
            yield
        finally:
            await broadcaster.close()
            await pool.close()

    logs.configure()
    app = Litestar(
        route_handlers=[
            ManualAssignmentController,
            health,
            # DESIGN §12: suggestions and automatic assignment
            AutoAssignmentController,
            # DESIGN §11: the staff page, its reads and its event stream
            StaffPageController,
            stream_events,
            staff_page,
            create_static_files_router(path="/staff", directories=[STATIC_DIR]),
            # DESIGN §13: the caller and their flags, the legacy flow, metrics, offline docs
            me_controller(provide_token_hash),
            legacy_controller(settings.legacy_endpoints, provide_token_hash),
            metrics.metrics,
            docs.assets_router(),
        ],
        lifespan=[lifespan, sweeper_lifespan(settings)],
        exception_handlers={
            ApiError: handle_api_error,
            HTTPException: handle_http_exception,
            Exception: handle_unexpected,
        },
        request_class=StrictJSONRequest,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Seating — manual table assignment",
            version="1.0.0",
            description="Hold and confirm tables for bookings. Errors: see docs/errors.md.",
            path="/schema",
            render_plugins=docs.render_plugins(),
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(
                        type="http", scheme="bearer", description="A token from api.issue_staff_token"
                    )
                }
            ),
        ),
    )
    # Around everything, unmatched routes included: the request id, metrics and the log line.
    app.asgi_handler = logs.RequestObserver(app.asgi_handler, log_requests=settings.request_log)
    return app
