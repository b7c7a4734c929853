"""GET /api/staff/me: the caller, their restaurants and their feature flags (DESIGN §11, §13)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from msgspec import Struct

from app import db
from app.schemas import error_responses, from_row


class Membership(Struct, rename="camel"):
    restaurant_id: UUID
    restaurant_name: str
    timezone: str  # IANA: the staff page shows times and days in it
    role: str
    flags: dict[str, bool]


class Me(Struct, rename="camel"):
    """flags: e.g. {"use-new-manual-assignment-flow": true}: the staff page uses the session flow
    when it is on, the legacy validate / hold / confirm flow when it is off. With one restaurant
    its overrides apply; with several, read the membership's own flags."""

    id: UUID
    display_name: str
    memberships: list[Membership]
    flags: dict[str, bool]


def me_controller(provide_token_hash: Any) -> type[Controller]:
    class MeController(Controller):
        path = "/api/staff/me"
        tags = ["staff"]
        dependencies = {"token_hash": Provide(provide_token_hash)}
        security = [{"bearer": []}]

        @get(
            "/",
            operation_id="getMe",
            responses=error_responses(
                404, descriptions={404: "STAFF_NOT_FOUND: deleted since the token was issued"}, always=(401, 503)
            ),
        )
        async def get_me(self, token_hash: NamedDependency[bytes], state: State) -> Me:
            """The caller: id, displayName, flags, memberships (restaurantId, restaurantName, timezone, role, flags)."""
            return from_row(await db.get_me(state.pool, token_hash), Me)

    return MeController
