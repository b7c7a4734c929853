"""The legacy validate / hold / confirm endpoints (DESIGN §13), kept during the migration as thin
adapters on the same SQL functions as the session flow: a legacy hold is the caller's session
underneath, so the old flow can no longer double-book. LEGACY_ENDPOINTS=off answers 410 GONE."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody, QueryParameter
from msgspec import Meta, Struct

from app import db
from app.errors import ApiError
from app.schemas import AssignmentContext, Check, error_responses, from_row

TableIds = Annotated[list[UUID], Meta(min_length=1, max_length=20)]
ContextVersion = Annotated[str, Meta(min_length=1, max_length=64)]


class LegacySelection(Struct, rename="camel", forbid_unknown_fields=True):
    """Tables for a booking, with the contextVersion of the context the caller read."""

    booking_id: UUID
    table_ids: TableIds
    context_version: ContextVersion
    require_adjacency: bool | None = None


class LegacyConfirmRequest(Struct, rename="camel", forbid_unknown_fields=True):
    """The hold to confirm; contextVersion is optional (the hold already protects its tables)."""

    hold_id: UUID
    context_version: ContextVersion | None = None


class LegacyContext(AssignmentContext, rename="camel"):
    """The floor plan (as GET /api/staff/bookings/{bookingId}/assignment-context) plus contextVersion."""

    context_version: str


class LegacyValidation(Struct, rename="camel"):
    booking_id: UUID
    table_ids: list[UUID]
    valid: bool
    checks: list[Check]
    context_version: str


class LegacyHold(Struct, rename="camel"):
    """holdId is the id of the caller's session underneath (GET /api/staff/manual/session/{holdId})."""

    hold_id: UUID
    booking_id: UUID
    table_ids: list[UUID]
    expires_at: datetime
    checks: list[Check]
    context_version: str


class LegacyAssignment(Struct, rename="camel"):
    hold_id: UUID
    booking_id: UUID
    table_ids: list[UUID]
    assigned_by: UUID
    assigned_at: datetime
    context_version: str


class LegacyRelease(Struct, rename="camel"):
    hold_id: UUID
    booking_id: UUID
    status: str


# The legacy flow's own meanings of 404, 409 and 410; the rest as on every api route.
_LEGACY_ERRORS = {
    404: "BOOKING_NOT_FOUND or SESSION_NOT_FOUND (an unknown holdId)",
    409: "STALE_CONTEXT (details.contextVersion: the current one), VALIDATION_FAILED (details.checks), "
    "HOLD_EXPIRED, SESSION_NOT_HELD or SESSION_CLOSED",
    410: "GONE: the legacy endpoints are switched off (LEGACY_ENDPOINTS=off); use the session flow",
}


def _errors(*statuses: int) -> dict[int, ResponseSpec]:
    return error_responses(*statuses, descriptions=_LEGACY_ERRORS, always=(400, 401, 410, 503))


def legacy_switch(enabled: bool):
    """A guard: the legacy routes answer 410 GONE once switched off (checked before anything else)."""

    def guard(_: ASGIConnection, __: BaseRouteHandler) -> None:
        if not enabled:
            raise ApiError(
                410,
                "GONE",
                "The legacy assignment endpoints are switched off: use the session flow "
                "(POST /api/staff/manual/session).",
                {"replacement": "/api/staff/manual/session"},
            )

    return guard


def legacy_controller(enabled: bool, provide_token_hash: Any) -> type[Controller]:
    class LegacyAssignmentController(Controller):
        path = "/api/staff/manual"
        tags = ["legacy assignment (deprecated)"]
        dependencies = {"token_hash": Provide(provide_token_hash)}
        security = [{"bearer": []}]
        guards = [legacy_switch(enabled)]

        @get("/context", operation_id="legacyGetContext", deprecated=True, responses=_errors(403, 404))
        async def get_context(
            self,
            token_hash: NamedDependency[bytes],
            state: State,
            booking_id: Annotated[UUID, QueryParameter(name="bookingId")],
        ) -> LegacyContext:
            """The floor plan for a booking and its contextVersion, to send with validate and hold."""
            return from_row(await db.get_legacy_context(state.pool, token_hash, booking_id), LegacyContext)

        @post(
            "/validate",
            operation_id="legacyValidate",
            deprecated=True,
            status_code=200,
            responses=_errors(403, 404, 409, 422),
        )
        async def validate(
            self, data: JSONBody[LegacySelection], token_hash: NamedDependency[bytes], state: State
        ) -> LegacyValidation:
            """Every check for a selection (valid when none fails); writes nothing."""
            return from_row(
                await db.legacy_validate(
                    state.pool,
                    token_hash,
                    data.booking_id,
                    data.table_ids,
                    data.context_version,
                    data.require_adjacency,
                ),
                LegacyValidation,
            )

        @post(
            "/hold", operation_id="legacyHold", deprecated=True, status_code=200, responses=_errors(403, 404, 409, 422)
        )
        async def hold(
            self, data: JSONBody[LegacySelection], token_hash: NamedDependency[bytes], state: State
        ) -> LegacyHold:
            """Hold the tables (replacing the caller's previous hold of the booking); all or nothing."""
            return from_row(
                await db.legacy_hold(
                    state.pool,
                    token_hash,
                    data.booking_id,
                    data.table_ids,
                    data.context_version,
                    data.require_adjacency,
                ),
                LegacyHold,
            )

        @post(
            "/confirm", operation_id="legacyConfirm", deprecated=True, status_code=200, responses=_errors(403, 404, 409)
        )
        async def confirm(
            self, data: JSONBody[LegacyConfirmRequest], token_hash: NamedDependency[bytes], state: State
        ) -> LegacyAssignment:
            """Turn the hold into the booking's assignment, replacing any previous one."""
            return from_row(
                await db.legacy_confirm(state.pool, token_hash, data.hold_id, data.context_version), LegacyAssignment
            )

        @delete(
            "/hold",
            operation_id="legacyReleaseHold",
            deprecated=True,
            status_code=200,
            responses=_errors(403, 404, 409),
        )
        async def release_hold(
            self,
            token_hash: NamedDependency[bytes],
            state: State,
            hold_id: Annotated[UUID, QueryParameter(name="holdId")],
        ) -> LegacyRelease:
            """Release a hold (its session is cancelled); releasing twice is harmless."""
            return from_row(await db.legacy_release_hold(state.pool, token_hash, hold_id), LegacyRelease)

    return LegacyAssignmentController
