"""The HTTP API (DESIGN §7): authenticate, turn one request into one SQL function call, map
errors. No business rule lives here."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Litestar, Request, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import FromPath, JSONBody, Parameter

from app import db, errors
from app.errors import ApiError, unavailable
from app.schemas import (
    AssignmentContext,
    AutoAssignOutcome,
    AutoAssignRequest,
    AutoAssignResults,
    ErrorBody,
    Health,
    HoldRequest,
    Session,
    Suggestion,
    Suggestions,
    camel,
    from_row,
)
from app.settings import Settings

log = logging.getLogger("seating")

_BEARER = re.compile(r"Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*", re.IGNORECASE)
_UUID = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"

Token = NamedDependency[str]
SessionId = FromPath[Annotated[str, Parameter(pattern=_UUID, description="A session id (UUID).")]]
BookingId = FromPath[Annotated[str, Parameter(pattern=_UUID, description="A booking id (UUID).")]]
RestaurantId = FromPath[Annotated[str, Parameter(pattern=_UUID, description="A restaurant id (UUID).")]]


def _errors(*statuses: int) -> dict[int, ResponseSpec]:
    described = {
        400: "INVALID_INPUT: malformed JSON, missing or ill-typed fields, 1 to 20 tableIds, a path id that is not a UUID",
        401: "UNAUTHENTICATED: missing, malformed, unknown or revoked bearer token",
        403: "FORBIDDEN: not a member of the booking's restaurant, or the role may not do this",
        404: "BOOKING_NOT_FOUND or SESSION_NOT_FOUND",
        409: "HOLD_EXPIRED, SESSION_NOT_HELD, SESSION_CLOSED or VALIDATION_FAILED (details.checks);"
             " NO_FIT (automatic assignment: details.reason says why)",
        422: "UNKNOWN_TABLES: table ids not in the booking's restaurant (details.tableIds)",
        503: "UNAVAILABLE: the database is unreachable or overloaded; retry",
    }
    return {s: ResponseSpec(data_container=ErrorBody, description=described[s]) for s in (400, 401, 503, *statuses)}


async def provide_token(request: Request) -> str:
    """The bearer token; whether it is valid is decided inside the SQL call."""
    match = _BEARER.fullmatch(request.headers.get("authorization", ""))
    if match is None:
        raise ApiError(401, "UNAUTHENTICATED", "Send Authorization: Bearer <token>.", {})
    return match.group(1)


class ManualAssignmentController(Controller):
    path = "/api/staff"
    tags = ["manual assignment"]
    # One dependency: Litestar resolves two or more in a task group of their own, on every request.
    # The pool comes from the app's state (a reserved argument, no dependency).
    dependencies = {"token": Provide(provide_token)}
    security = [{"bearer": []}]

    @post("/manual/session", operation_id="createSessionHold", responses={
        200: ResponseSpec(data_container=Session, description="The caller's active session was updated"),
        201: ResponseSpec(data_container=Session, description="A session was started"),
        **_errors(403, 404, 422)})
    async def create_session_hold(self, data: JSONBody[HoldRequest], token: Token,
                                  state: State) -> Response[Session]:
        """Validate tables for a booking and hold them in one step: HELD when every check passes,
        else PROPOSED with the failing checks. Idempotent: the same tables refresh the same hold."""
        row = await db.create_session_hold(state.pool, token, data.booking_id, data.table_ids, data.require_adjacency)
        return Response(from_row(row, Session), status_code=201 if row["created"] else 200)

    @put("/manual/session/{session_id:str}/confirm", operation_id="confirmSession",
         responses=_errors(403, 404, 409))
    async def confirm_session(self, session_id: SessionId, token: Token, state: State) -> Session:
        """Turn the session's hold into the booking's assignment (replacing any previous one)."""
        return from_row(await db.confirm_session(state.pool, token, UUID(session_id)), Session)

    @get("/manual/session/{session_id:str}", operation_id="getSession", responses=_errors(403, 404))
    async def get_session(self, session_id: SessionId, token: Token, state: State) -> Session:
        """Read a session; a hold past its expiry reads as EXPIRED."""
        return from_row(await db.get_session(state.pool, token, UUID(session_id)), Session)

    @delete("/manual/session/{session_id:str}", operation_id="cancelSession", status_code=200,
            responses=_errors(403, 404, 409))
    async def cancel_session(self, session_id: SessionId, token: Token, state: State) -> Session:
        """Cancel the session and release its hold (creator, or a manager or owner)."""
        return from_row(await db.cancel_session(state.pool, token, UUID(session_id)), Session)

    @get("/bookings/{booking_id:str}/assignment-context", operation_id="getAssignmentContext",
         responses=_errors(403, 404))
    async def get_assignment_context(self, booking_id: BookingId, token: Token,
                                     state: State) -> AssignmentContext:
        """The floor plan for a booking: every table's state for its window, its current tables
        and the caller's active session."""
        return from_row(await db.get_assignment_context(state.pool, token, UUID(booking_id)), AssignmentContext)


class AutoAssignmentController(Controller):
    """Suggestions and automatic assignment on the same engine and session path (DESIGN §12)."""

    path = "/api/staff"
    tags = ["automatic assignment"]
    dependencies = {"token": Provide(provide_token)}
    security = [{"bearer": []}]

    @get("/bookings/{booking_id:str}/suggestions", operation_id="suggestTables", responses=_errors(403, 404))
    async def suggest_tables(self, booking_id: BookingId, token: Token, state: State,
                             limit: Annotated[int, Parameter(ge=1, le=50, description="How many (1-50)")] = 5,
                             ) -> Suggestions:
        """The best selections for the booking right now, best first: each passes every check.
        Empty when nothing fits."""
        rows = await db.suggest_tables(state.pool, token, UUID(booking_id), limit)
        return Suggestions(suggestions=[from_row(row, Suggestion) for row in rows])

    @post("/bookings/{booking_id:str}/auto-assign", operation_id="autoAssign", status_code=200,
          responses=_errors(403, 404, 409))
    async def auto_assign(self, booking_id: BookingId, token: Token, state: State) -> Session:
        """Hold and confirm the best suggestion through a session of the caller's; the session,
        CONFIRMED. 409 NO_FIT with details.reason when nothing fits."""
        return from_row(await db.auto_assign(state.pool, token, UUID(booking_id)), Session)

    @post("/restaurants/{restaurant_id:str}/auto-assign", operation_id="autoAssignPending", status_code=200,
          responses=_errors(403))
    async def auto_assign_pending(self, restaurant_id: RestaurantId, data: JSONBody[AutoAssignRequest],
                                  token: Token, state: State) -> AutoAssignResults:
        """Seat every open booking without tables that starts in [from, to): one result per
        booking, assigned (tableIds) or no_fit (reason). Running it again changes nothing."""
        rows = await db.auto_assign_pending(state.pool, token, UUID(restaurant_id), data.from_, data.to)
        return AutoAssignResults(results=[from_row(row, AutoAssignOutcome) for row in rows])


@get("/health", operation_id="health", tags=["operations"],
     responses={503: ResponseSpec(data_container=ErrorBody, description="UNAVAILABLE")})
async def health(state: State) -> Health:
    """200 when the database is reachable and migrated."""
    if not (await db.health(state.pool))["migrated"]:
        raise unavailable("The database is reachable but not migrated: run `python -m app migrate`.")
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
    if not settings.database_url:
        raise RuntimeError("DATABASE_URL is not set")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # wait=False: the app starts even while the database is down; calls answer 503 meanwhile.
        pool = db.create_pool(settings)
        await pool.open(wait=False)
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    return Litestar(
        route_handlers=[ManualAssignmentController, AutoAssignmentController, health],
        lifespan=[lifespan],
        exception_handlers={ApiError: handle_api_error, HTTPException: handle_http_exception,
                            Exception: handle_unexpected},
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Seating — manual table assignment",
            version="1.0.0",
            description="Hold and confirm tables for bookings. Errors: see docs/errors.md.",
            path="/schema",
            components=Components(security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer", description="A token from api.issue_staff_token")}),
        ),
    )
