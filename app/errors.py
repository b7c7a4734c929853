"""The one map from the SQL functions' error SQLSTATEs to HTTP (docs/errors.md lists them).

The functions raise MESSAGE (human text), DETAIL (JSON: {"code", "details"}) and HINT (remedy).
The code is also derivable from the SQLSTATE alone, so a client never parses message text."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# SQLSTATE -> (error.code, HTTP status)
SQLSTATE_ERRORS: dict[str, tuple[str, int]] = {
    "SA001": ("INVALID_INPUT", 400),
    "SA002": ("UNAUTHENTICATED", 401),
    "SA003": ("FORBIDDEN", 403),
    "SA004": ("BOOKING_NOT_FOUND", 404),
    "SA005": ("SESSION_NOT_FOUND", 404),
    "SA006": ("STAFF_NOT_FOUND", 404),
    "SA007": ("HOLD_EXPIRED", 409),
    "SA008": ("SESSION_NOT_HELD", 409),
    "SA009": ("SESSION_CLOSED", 409),
    "SA010": ("VALIDATION_FAILED", 409),
    "SA011": ("UNKNOWN_TABLES", 422),
}

# Errors the HTTP layer produces itself, never raised by SQL.
HTTP_ONLY_ERRORS: dict[str, int] = {
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "UNAVAILABLE": 503,
}


@dataclass
class ApiError(Exception):
    """An error as the client sees it: {"error": {"code", "message", "details"}}."""

    status: int
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def from_sql(sqlstate: str | None, message: str, detail: str | None) -> ApiError | None:
    """The ApiError for an application SQLSTATE, or None for anything else."""
    if sqlstate not in SQLSTATE_ERRORS:
        return None
    code, status = SQLSTATE_ERRORS[sqlstate]
    try:
        details = json.loads(detail or "{}").get("details", {})
    except (ValueError, AttributeError):
        details = {}
    return ApiError(status, code, message, details if isinstance(details, dict) else {})
