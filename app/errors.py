"""The one map from the SQL functions' error SQLSTATEs to HTTP (docs/errors.md lists them).

The functions raise MESSAGE (human text), DETAIL (JSON: {"code", "details"}) and HINT (remedy).
The code is also derivable from the SQLSTATE alone, so a client never parses message text."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import psycopg

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
    "SA012": ("BUFFER_CONFLICT", 409),
    "SA013": ("TABLE_IN_USE", 409),
    "SA014": ("NO_FIT", 409),
    "SA015": ("STALE_CONTEXT", 409),
}

# Errors the HTTP layer produces itself, never raised by SQL.
HTTP_ONLY_ERRORS: dict[str, int] = {
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "GONE": 410,
    "UNAVAILABLE": 503,
    "INTERNAL": 500,
}

# The framework's own HTTP errors (validation, routing, body size) -> error.code.
_FRAMEWORK_CODES = {
    400: "INVALID_INPUT",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "INVALID_INPUT",
    503: "UNAVAILABLE",
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


def from_framework(status: int, message: str, details: dict[str, Any]) -> ApiError:
    """A framework error in the one shape; an oversized body (413) is invalid input (400)."""
    code = _FRAMEWORK_CODES.get(status, "INVALID_INPUT" if 400 <= status < 500 else "UNAVAILABLE")
    return ApiError(400 if status == 413 else status, code, message, details)


def internal() -> ApiError:
    return ApiError(500, "INTERNAL", "Something went wrong on our side; it has been logged.", {})


def unavailable(message: str, reason: str = "database") -> ApiError:
    """503 UNAVAILABLE; details.reason is one of database (unreachable, overloaded or not
    migrated), lock_timeout (a row stayed locked DB_LOCK_TIMEOUT_MS) or deadline (the request
    used up REQUEST_DEADLINE_MS: waiting for a connection, its statement, its one retry)."""
    return ApiError(503, "UNAVAILABLE", message, {"retry": True, "reason": reason})


# A transaction that lost a race or its connection may succeed on a second try (every api call
# is idempotent). A timeout (lock_not_available 55P03, query_canceled 57014) is not retried: a
# second wait would hold a pooled connection for as long again, which is how one restaurant's
# stuck table would slow every other restaurant down.
_RETRYABLE_SQLSTATES = {"40001", "40P01", "57P01", "57P02", "57P03"}
_TIMEOUTS = {  # SQLSTATE -> (details.reason, message)
    "55P03": ("lock_timeout", "A table or booking this request needs is locked by another transaction; retry shortly."),
    "57014": ("deadline", "The request did not finish within its deadline; retry shortly."),
}


def retryable(error: psycopg.Error) -> bool:
    """True for a serialization failure, a deadlock or a lost connection (no SQLSTATE, class 08
    or a server shutdown); False for timeouts and everything else."""
    sqlstate = error.diag.sqlstate
    if sqlstate is None:
        return isinstance(error, psycopg.OperationalError)
    return sqlstate in _RETRYABLE_SQLSTATES or sqlstate.startswith("08")


def from_database(error: psycopg.Error) -> ApiError | None:
    """The client's view of a database error: an application error (by SQLSTATE), UNAVAILABLE
    for a database that cannot answer now (connection lost, shutdown, overload, lock or
    statement timeout, serialization failure, deadlock), INVALID_INPUT for text PostgreSQL cannot
    take (a NUL character), or None for a bug, which stays a 500."""
    sqlstate = error.diag.sqlstate
    if sqlstate in SQLSTATE_ERRORS:
        code, status = SQLSTATE_ERRORS[sqlstate]
        try:
            details = json.loads(error.diag.message_detail or "{}").get("details", {})
        except (ValueError, AttributeError):
            details = {}
        return ApiError(status, code, error.diag.message_primary or code, details if isinstance(details, dict) else {})
    if sqlstate in _TIMEOUTS:
        reason, message = _TIMEOUTS[sqlstate]
        return unavailable(message, reason)
    if isinstance(error, psycopg.OperationalError):
        return unavailable("The database is unavailable or overloaded; retry shortly.")
    if isinstance(error, psycopg.DataError) and sqlstate is None:
        # Refused by psycopg before sending: text with a NUL character, which PostgreSQL cannot store.
        return ApiError(400, "INVALID_INPUT", "Text fields may not contain NUL characters.", {})
    return None
