"""GET /metrics in the Prometheus text format (DESIGN §13), correct across workers.

`python -m app serve` points PROMETHEUS_MULTIPROC_DIR at a fresh directory before the workers
start, so prometheus-client keeps each worker's counts in a file there and a scrape (answered by
whichever worker) adds them all up: every worker is counted once. Without it (one process, the
tests) the counts live in the process. Sessions by status are read from the database at scrape
time (api.get_session_counts)."""

from __future__ import annotations

import os
from typing import Any

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from app import db

REQUESTS = Counter(
    "seating_http_requests", "HTTP requests by route template, method and status.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "seating_http_request_duration_seconds",
    "HTTP request latency by route template, in seconds.",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
FLOW_REQUESTS = Counter(
    "seating_flow_requests", "Assignment requests by flow: session (the new API) or legacy.", ["flow"]
)
HOLDS = Counter(
    "seating_holds",
    "Hold calls by flow and outcome: held, proposed (a check failed), "
    "conflict (the conflict check failed), stale_context (legacy only).",
    ["flow", "outcome"],
)
CONFIRMS = Counter(
    "seating_confirms",
    "Confirm calls by flow and outcome: confirmed, or the error code in lower case.",
    ["flow", "outcome"],
)
ERRORS = Counter("seating_errors", "Error responses by error code.", ["code"])

UNMATCHED = "(unmatched)"  # a path no route matched: never the raw path, whose values are unbounded
LEGACY_ROUTES = {
    "/api/staff/manual/context",
    "/api/staff/manual/validate",
    "/api/staff/manual/hold",
    "/api/staff/manual/confirm",
}
_HOLD_ROUTES = {("POST", "/api/staff/manual/session"): "session", ("POST", "/api/staff/manual/hold"): "legacy"}
_CONFIRM_ROUTES = {
    ("PUT", "/api/staff/manual/session/{session_id}/confirm"): "session",
    ("POST", "/api/staff/manual/confirm"): "legacy",
}


class _Outcome(msgspec.Struct):
    """The parts of a hold's or an error's body the counters need (other fields are skipped)."""

    status: str | None = None
    checks: list[dict[str, Any]] | None = None
    error: dict[str, Any] | None = None


def flow_of(route: str) -> str | None:
    if route.startswith("/api/staff/manual/session"):
        return "session"
    return "legacy" if route in LEGACY_ROUTES else None


def wants_body(method: str, route: str) -> bool:
    """Whether observe() needs the response body on success (holds: HELD or PROPOSED)."""
    return (method, route) in _HOLD_ROUTES


def observe(method: str, route: str, status: int, seconds: float, body: bytes | None) -> str | None:
    """Count one request; returns its error code (None below 400), read from the error body."""
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
    flow = flow_of(route)
    if flow:
        FLOW_REQUESTS.labels(flow).inc()
    parsed = _parse(body)
    code = None
    if status >= 400:
        code = str((parsed.error or {}).get("code") or "UNKNOWN") if parsed else "UNKNOWN"
        ERRORS.labels(code).inc()
    if (method, route) in _HOLD_ROUTES:
        outcome = _hold_outcome(status, code, parsed)
        if outcome:
            HOLDS.labels(_HOLD_ROUTES[method, route], outcome).inc()
    elif (method, route) in _CONFIRM_ROUTES:
        CONFIRMS.labels(
            _CONFIRM_ROUTES[method, route], "confirmed" if status < 400 else (code or "unknown").lower()
        ).inc()
    return code


def _parse(body: bytes | None) -> _Outcome | None:
    if not body:
        return None
    try:
        return msgspec.json.decode(body, type=_Outcome)
    except msgspec.DecodeError:
        return None


def _failed(checks: list[dict[str, Any]] | None) -> set[str | None]:
    return {c.get("id") for c in checks or () if isinstance(c, dict) and c.get("severity") == "error"}


def _hold_outcome(status: int, code: str | None, parsed: _Outcome | None) -> str | None:
    if status < 400:
        if parsed is None or parsed.status in (None, "HELD"):  # a legacy hold answers 200 only when held
            return "held"
        return "conflict" if "conflict" in _failed(parsed.checks) else "proposed"
    if code == "VALIDATION_FAILED":
        details = (parsed.error or {}).get("details") if parsed else None
        return "conflict" if "conflict" in _failed((details or {}).get("checks")) else "proposed"
    return "stale_context" if code == "STALE_CONTEXT" else None


class _Sessions:
    """The sessions gauge, from counts read just before the scrape."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts

    def collect(self):
        gauge = GaugeMetricFamily(
            "seating_sessions",
            "Active manual assignment sessions by status (HELD_PAST_EXPIRY: expired, not yet tidied by the sweeper).",
            labels=["status"],
        )
        for status, count in sorted(self.counts.items()):
            gauge.add_metric([status], count)
        yield gauge


@get("/metrics", operation_id="metrics", tags=["operations"], include_in_schema=False)
async def metrics(state: State) -> Response[bytes]:
    """Prometheus text format: this service's counters (all workers) and the sessions by status."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, FLOW_REQUESTS, HOLDS, CONFIRMS, ERRORS):
            registry.register(collector)
    counts = await db.session_counts(state.pool)
    if counts is not None:  # the database may be down: the service's own counters still answer
        registry.register(_Sessions(counts))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
