"""One JSON log line per request (DESIGN §13), and the request id.

Each request gets an id: the caller's X-Request-ID when it is a sane token (at most 128 of
A-Z a-z 0-9 . _ : -), else a new one; it is returned in X-Request-ID and carried by every log
line written while the request runs (an error's traceback included, logged once by the app's
exception handler). The line never holds a token or a body: time, requestId, method, route
(the template, not the path), status, durationMs, errorCode, staffId."""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from app import db, metrics

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
log = logging.getLogger("seating.requests")

_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
_BEARER = re.compile(rb"Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*", re.IGNORECASE)
_TYPED = re.compile(r"\{(\w+):[^}]+\}")  # {session_id:str} -> {session_id}


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object on one line; a dict message is merged in."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if isinstance(record.msg, dict):
            line.update(record.msg)
        else:
            line["message"] = record.getMessage()
        line.setdefault("requestId", REQUEST_ID.get())
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure() -> None:
    """JSON lines on stderr for the app's loggers (idempotent: one handler however many apps)."""
    root = logging.getLogger("seating")
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False  # Litestar gives the root logger a plain-text handler: one line, not two


class StaffIds:
    """Which staff member a token belongs to, for the log line: one lookup per token and worker
    every few minutes, after the response is sent. Keyed by the token's hash, never the token."""

    TTL_SECONDS = 300.0
    MAX_ENTRIES = 4096

    def __init__(self) -> None:
        self._known: dict[bytes, tuple[str, float]] = {}

    async def lookup(self, pool: Any, token: bytes) -> str | None:
        key = hashlib.sha256(token).digest()
        now = time.monotonic()
        hit = self._known.get(key)
        if hit and hit[1] > now:
            return hit[0]
        try:
            staff_id = str(await db.staff_id(pool, key))
        except Exception:  # an unknown or revoked token, or a database that cannot answer: no id
            return None
        if len(self._known) >= self.MAX_ENTRIES:
            self._known.clear()
        self._known[key] = (staff_id, now + self.TTL_SECONDS)
        return staff_id


def route_of(scope: Mapping[str, Any]) -> str:
    template = scope.get("path_template")
    return _TYPED.sub(r"{\1}", template) if template else metrics.UNMATCHED


class RequestObserver:
    """ASGI wrapper around the whole app (404s and 405s included): request id, metrics, log line."""

    def __init__(self, app: Any, *, log_requests: bool):
        self.app = app
        self.log_requests = log_requests
        self.staff_ids = StaffIds()

    async def __call__(self, scope: Mapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers") or ())
        given = headers.get(b"x-request-id", b"")
        request_id = given.decode() if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        reset = REQUEST_ID.set(request_id)
        status = 500
        body: list[bytes] = []
        capture = False

        async def observed_send(message: dict) -> None:
            nonlocal status, capture
            if message["type"] == "http.response.start":
                status = message["status"]
                capture = status >= 400 or metrics.wants_body(scope["method"], route_of(scope))
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body" and capture:
                body.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            code = metrics.observe(scope["method"], route, status, seconds, b"".join(body) if capture else None)
            if self.log_requests:
                await self._log(scope, headers, request_id, route, status, seconds, code)
            REQUEST_ID.reset(reset)

    async def _log(
        self,
        scope: Mapping[str, Any],
        headers: dict,
        request_id: str,
        route: str,
        status: int,
        seconds: float,
        code: str | None,
    ) -> None:
        staff_id = None
        bearer = _BEARER.fullmatch(headers.get(b"authorization", b""))
        app = scope.get("app")
        if bearer and status != 401 and app is not None and hasattr(app.state, "pool"):
            staff_id = await self.staff_ids.lookup(app.state.pool, bearer.group(1))
        log.info(
            {
                "requestId": request_id,
                "method": scope["method"],
                "route": route,
                "status": status,
                "durationMs": round(seconds * 1000, 2),
                "errorCode": code,
                "staffId": staff_id,
            }
        )
