"""The migration path and operations over HTTP: /api/staff/me and its flags, the legacy endpoints
(and their switch-off), /metrics, the request log and the offline API docs."""

import json
import logging
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from app.http import create_app
from tests.support import call, expire_hold, hold

FLAG = "use-new-manual-assignment-flow"


def test_me(client, conn, floor, tokens):
    me = client.get("/api/staff/me", headers=tokens["Hana Host"])
    assert me.status_code == 200
    body = me.json()
    assert (body["id"], body["displayName"], body["flags"]) == (
        str(floor.staff["Hana Host"]),
        "Hana Host",
        {FLAG: True},
    )
    assert body["memberships"] == [
        {
            "restaurantId": str(floor.id),
            "restaurantName": "Test Bistro",
            "timezone": "UTC",
            "role": "host",
            "flags": {FLAG: True},
        }
    ]
    call(conn, "set_feature_flag", FLAG, False, floor.id, None)
    assert client.get("/api/staff/me", headers=tokens["Hana Host"]).json()["flags"] == {FLAG: False}
    assert client.get("/api/staff/me").status_code == 401


def test_a_full_legacy_assignment_over_http(client, conn, floor, tokens):
    hana = tokens["Hana Host"]
    booking = str(floor.booking(party_size=4))
    t3 = str(floor.tables["T3"])
    context = client.get("/api/staff/manual/context", params={"bookingId": booking}, headers=hana)
    assert context.status_code == 200, context.text
    version = context.json()["contextVersion"]
    assert {t["state"] for t in context.json()["tables"]} <= {"free", "inactive"}

    selection = {"bookingId": booking, "tableIds": [t3], "contextVersion": version}
    checked = client.post("/api/staff/manual/validate", json=selection, headers=hana)
    assert checked.status_code == 200 and checked.json()["valid"] is True

    held = client.post("/api/staff/manual/hold", json=selection, headers=hana)
    assert held.status_code == 200, held.text
    hold_id = held.json()["holdId"]
    assert held.json()["tableIds"] == [t3] and held.json()["expiresAt"]
    session = client.get(f"/api/staff/manual/session/{hold_id}", headers=hana).json()
    assert session["status"] == "HELD"  # the legacy hold is a session underneath

    done = client.post("/api/staff/manual/confirm", json={"holdId": hold_id, "contextVersion": version}, headers=hana)
    assert done.status_code == 200, done.text
    assert done.json()["tableIds"] == [t3] and done.json()["assignedBy"] == str(floor.staff["Hana Host"])
    assert client.get(f"/api/staff/manual/session/{hold_id}", headers=hana).json()["status"] == "CONFIRMED"


def test_legacy_errors(client, floor, tokens):
    hana, hugo = tokens["Hana Host"], tokens["Hugo Host"]
    booking, other = str(floor.booking(party_size=4)), str(floor.booking(party_size=4))
    version = client.get("/api/staff/manual/context", params={"bookingId": booking}, headers=hana).json()[
        "contextVersion"
    ]
    hugo_version = client.get("/api/staff/manual/context", params={"bookingId": other}, headers=hugo).json()[
        "contextVersion"
    ]
    client.post(
        "/api/staff/manual/hold",
        headers=hugo,
        json={"bookingId": other, "tableIds": [str(floor.tables["T4"])], "contextVersion": hugo_version},
    )
    stale = client.post(
        "/api/staff/manual/hold",
        headers=hana,
        json={"bookingId": booking, "tableIds": [str(floor.tables["T3"])], "contextVersion": version},
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "STALE_CONTEXT"
    current = stale.json()["error"]["details"]["contextVersion"]
    taken = client.post(
        "/api/staff/manual/hold",
        headers=hana,
        json={"bookingId": booking, "tableIds": [str(floor.tables["T4"])], "contextVersion": current},
    )
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "VALIDATION_FAILED"
    assert (
        client.post(
            "/api/staff/manual/hold", headers=hana, json={"bookingId": booking, "tableIds": [str(floor.tables["T3"])]}
        ).status_code
        == 400
    )
    assert client.get("/api/staff/manual/context", params={"bookingId": "nope"}, headers=hana).status_code == 400
    assert (
        client.delete("/api/staff/manual/hold", params={"holdId": booking}, headers=hana).json()["error"]["code"]
        == "SESSION_NOT_FOUND"
    )


def test_legacy_release(client, floor, tokens):
    hana = tokens["Hana Host"]
    booking = str(floor.booking(party_size=4))
    version = client.get("/api/staff/manual/context", params={"bookingId": booking}, headers=hana).json()[
        "contextVersion"
    ]
    hold_id = client.post(
        "/api/staff/manual/hold",
        headers=hana,
        json={"bookingId": booking, "tableIds": [str(floor.tables["T3"])], "contextVersion": version},
    ).json()["holdId"]
    released = client.delete("/api/staff/manual/hold", params={"holdId": hold_id}, headers=hana)
    assert released.status_code == 200 and released.json()["status"] == "CANCELLED"


def test_legacy_endpoints_switched_off_answer_410(settings, floor, tokens):
    with TestClient(create_app(replace(settings, legacy_endpoints=False))) as off:
        booking = str(floor.booking())
        legacy: list[tuple[str, str, dict[str, Any]]] = [
            ("GET", "/api/staff/manual/context", {"params": {"bookingId": booking}}),
            ("POST", "/api/staff/manual/validate", {"json": {}}),
            ("POST", "/api/staff/manual/hold", {"json": {}}),
            ("POST", "/api/staff/manual/confirm", {"json": {}}),
            ("DELETE", "/api/staff/manual/hold", {"params": {"holdId": booking}}),
        ]
        for method, path, kwargs in legacy:
            gone = off.request(method, path, headers=tokens["Hana Host"], **kwargs)
            assert gone.status_code == 410, (path, gone.text)
            assert gone.json()["error"]["code"] == "GONE"
        # the session flow is untouched
        assert (
            off.post(
                "/api/staff/manual/session",
                headers=tokens["Hana Host"],
                json={"bookingId": booking, "tableIds": [str(floor.tables["T1"])]},
            ).status_code
            == 201
        )


def metric(text: str, name: str, **labels) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        series, value = line.rsplit(" ", 1)
        sample, _, label_text = series.partition("{")
        found = ",".join(sorted(label_text.rstrip("}").split(","))) if label_text else ""
        if sample == name and found == wanted:
            return float(value)
    return 0.0


def test_metrics_count_requests_flows_outcomes_and_sessions(client, floor, tokens):
    before = client.get("/metrics").text
    hana, hugo = tokens["Hana Host"], tokens["Hugo Host"]
    booking, other = str(floor.booking(party_size=4)), str(floor.booking(party_size=4))
    session = client.post(
        "/api/staff/manual/session", headers=hana, json={"bookingId": booking, "tableIds": [str(floor.tables["T3"])]}
    ).json()
    client.post(
        "/api/staff/manual/session",
        headers=hugo,  # T3 is Hana's: a conflict
        json={"bookingId": other, "tableIds": [str(floor.tables["T3"])]},
    )
    client.put(f"/api/staff/manual/session/{session['id']}/confirm", headers=hana)
    client.put(f"/api/staff/manual/session/{session['id']}/confirm", headers=hugo)  # not his: FORBIDDEN
    version = client.get("/api/staff/manual/context", params={"bookingId": other}, headers=hugo).json()[
        "contextVersion"
    ]
    client.post(
        "/api/staff/manual/hold",
        headers=hugo,
        json={"bookingId": other, "tableIds": [str(floor.tables["T4"])], "contextVersion": version},
    )
    client.get("/no/such/route")
    text = client.get("/metrics").text
    assert client.get("/metrics").headers["content-type"].startswith("text/plain")

    def grew(name, **labels):
        return metric(text, name, **labels) - metric(before, name, **labels)

    assert grew("seating_holds_total", flow="session", outcome="held") == 1
    assert grew("seating_holds_total", flow="session", outcome="conflict") == 1
    assert grew("seating_holds_total", flow="legacy", outcome="held") == 1
    assert grew("seating_confirms_total", flow="session", outcome="confirmed") == 1
    assert grew("seating_confirms_total", flow="session", outcome="forbidden") == 1
    assert grew("seating_errors_total", code="FORBIDDEN") == 1
    assert grew("seating_errors_total", code="NOT_FOUND") == 1
    assert grew("seating_flow_requests_total", flow="session") == 4
    assert grew("seating_flow_requests_total", flow="legacy") == 2
    assert grew("seating_http_requests_total", method="POST", route="/api/staff/manual/session", status="201") == 2
    assert grew("seating_http_requests_total", method="GET", route="(unmatched)", status="404") == 1
    assert (
        grew(
            "seating_http_request_duration_seconds_count",
            method="PUT",
            route="/api/staff/manual/session/{session_id}/confirm",
        )
        == 2
    )
    # Hana's session is confirmed; Hugo's (PROPOSED after the conflict) is HELD by his legacy hold
    assert metric(text, "seating_sessions", status="HELD") == 1
    assert metric(text, "seating_sessions", status="PROPOSED") == 0


class Lines(logging.Handler):
    """Formats each record as it is emitted, in the request's context, as the app's handler does."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def logged(settings):
    """A client of an app that writes the request log (REQUEST_LOG=on)."""
    with TestClient(create_app(replace(settings, request_log=True))) as test_client:
        yield test_client


@pytest.fixture
def request_lines():
    from app.logs import JsonFormatter

    handler = Lines()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("seating")
    logger.addHandler(handler)
    yield lambda: handler.lines
    logger.removeHandler(handler)


def test_one_json_line_per_request_with_its_request_id(logged, floor, tokens, request_lines):
    client = logged
    token = tokens["Hana Host"]["Authorization"].split()[1]
    session = client.post(
        "/api/staff/manual/session",
        headers={**tokens["Hana Host"], "X-Request-ID": "req-42"},
        json={"bookingId": str(floor.booking()), "tableIds": [str(floor.tables["T1"])]},
    )
    assert session.headers["x-request-id"] == "req-42"
    missing = client.get(
        f"/api/staff/manual/session/{floor.id}", headers={**tokens["Hana Host"], "X-Request-ID": "bad id!"}
    )
    generated = missing.headers["x-request-id"]
    assert generated != "bad id!" and len(generated) == 32

    lines = [line for line in request_lines() if line["logger"] == "seating.requests"]
    assert len(lines) == 2
    first, second = lines
    assert first["requestId"] == "req-42" and first["method"] == "POST" and first["status"] == 201
    assert first["route"] == "/api/staff/manual/session" and first["errorCode"] is None
    assert first["staffId"] == str(floor.staff["Hana Host"]) and first["durationMs"] >= 0
    datetime.fromisoformat(first["time"])
    assert second["requestId"] == generated and second["errorCode"] == "SESSION_NOT_FOUND"
    assert second["route"] == "/api/staff/manual/session/{session_id}"
    assert all(token not in json.dumps(line) for line in request_lines())


def test_an_unexpected_error_logs_its_traceback_once_with_the_request_id(logged, tokens, request_lines, monkeypatch):
    client = logged
    from app import db

    async def broken(*_args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(db, "get_me", broken)
    failed = client.get("/api/staff/me", headers={**tokens["Hana Host"], "X-Request-ID": "oops-1"})
    assert failed.status_code == 500
    with_traceback = [line for line in request_lines() if "traceback" in line]
    assert len(with_traceback) == 1
    assert with_traceback[0]["requestId"] == "oops-1" and "RuntimeError: a bug" in with_traceback[0]["traceback"]
    [line] = [line for line in request_lines() if line["logger"] == "seating.requests"]
    assert (line["status"], line["errorCode"], line["requestId"]) == (500, "INTERNAL", "oops-1")


def test_the_in_app_sweeper_expires_sessions(settings, conn, floor):
    held = hold(conn, floor.staff["Hana Host"], floor.booking(party_size=4), floor.ids("T3"))
    expire_hold(conn, held["id"])
    with TestClient(create_app(replace(settings, sweep_interval_seconds=1))):
        deadline = datetime.now() + timedelta(seconds=20)
        while (
            conn.execute(
                "SELECT status FROM seating.manual_assignment_sessions WHERE id = %s", (held["id"],)
            ).fetchone()[0]
            != "EXPIRED"
        ):
            assert datetime.now() < deadline, "the sweeper never ran"
            threading.Event().wait(0.05)
    assert (
        conn.execute(
            "SELECT reason FROM seating.session_events WHERE session_id = %s ORDER BY id DESC LIMIT 1", (held["id"],)
        ).fetchone()[0]
        == "hold expired (sweeper)"
    )


def test_api_docs_render_offline(client):
    page = client.get("/schema")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert f"/schema/assets/{asset}" in page.text
        fetched = client.get(f"/schema/assets/{asset}")
        assert fetched.status_code == 200 and len(fetched.content) > 10_000
    spec = client.get("/schema/openapi.json").json()
    legacy = spec["paths"]["/api/staff/manual/hold"]
    assert legacy["post"]["deprecated"] is True and "410" in legacy["post"]["responses"]
    hold_body = spec["components"]["schemas"]["LegacySelection"]["properties"]
    assert {"bookingId", "tableIds", "contextVersion"} <= set(hold_body)
    assert {"holdId", "expiresAt", "contextVersion"} <= set(spec["components"]["schemas"]["LegacyHold"]["properties"])
