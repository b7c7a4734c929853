"""Every route, status and error code of DESIGN §7, auth and role cases, the camelCase shape."""

import uuid
from dataclasses import replace

import psycopg
import pytest
from litestar.testing import TestClient

from app.http import create_app
from tests.support import call, expire_hold

SESSION_KEYS = {
    "id",
    "bookingId",
    "restaurantId",
    "createdBy",
    "status",
    "proposedTables",
    "holdExpiresAt",
    "lastValidatedAt",
    "checks",
    "createdAt",
    "updatedAt",
    "assignment",
}
SESSION = "/api/staff/manual/session"


def hold(client, headers, booking, tables, **extra):
    return client.post(
        SESSION, json={"bookingId": str(booking), "tableIds": [str(t) for t in tables], **extra}, headers=headers
    )


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_hold_creates_then_updates_the_session(client, floor, tokens):
    booking = floor.booking(party_size=4)
    created = hold(client, tokens["Hana Host"], booking, floor.ids("T1", "T2"))
    assert created.status_code == 201
    session = created.json()
    assert set(session) == SESSION_KEYS
    assert session["status"] == "HELD" and session["holdExpiresAt"] and session["assignment"] is None
    assert session["proposedTables"] == [str(t) for t in floor.ids("T1", "T2")]
    assert session["checks"][0]["id"] == "booking_status"
    assert set(session["checks"][0]) == {"id", "severity", "message", "details"}

    updated = hold(client, tokens["Hana Host"], booking, floor.ids("T1", "T2"))
    assert updated.status_code == 200 and updated.json()["id"] == session["id"]


def test_a_failing_selection_is_proposed_with_the_failing_checks(client, floor, tokens):
    response = hold(client, tokens["Hana Host"], floor.booking(party_size=6), floor.ids("T1", "T3"))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "PROPOSED" and body["holdExpiresAt"] is None
    assert [c["id"] for c in body["checks"] if c["severity"] == "error"] == ["adjacency"]
    relaxed = hold(
        client, tokens["Hana Host"], floor.booking(party_size=6), floor.ids("T1", "T3"), requireAdjacency=False
    )
    assert relaxed.json()["status"] == "HELD"


def test_confirm_get_and_cancel(client, floor, tokens):
    hana = tokens["Hana Host"]
    session = hold(client, hana, floor.booking(), floor.ids("T1")).json()
    confirmed = client.put(f"{SESSION}/{session['id']}/confirm", headers=hana)
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert body["status"] == "CONFIRMED"
    assert body["assignment"]["tableIds"] == [str(floor.tables["T1"])]
    assert body["assignment"]["assignedBy"] == str(floor.staff["Hana Host"])
    assert body["assignment"]["assignedAt"]

    read = client.get(f"{SESSION}/{session['id']}", headers=tokens["Sam Server"])
    assert read.status_code == 200 and read.json() == body

    other = hold(client, hana, floor.booking(), floor.ids("T2")).json()
    cancelled = client.delete(f"{SESSION}/{other['id']}", headers=tokens["Max Manager"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "CANCELLED"


def test_assignment_context(client, floor, tokens):
    booking = floor.booking()
    hold(client, tokens["Hugo Host"], floor.booking(), floor.ids("T3"))
    mine = hold(client, tokens["Hana Host"], booking, floor.ids("T1")).json()
    response = client.get(f"/api/staff/bookings/{booking}/assignment-context", headers=tokens["Hana Host"])
    assert response.status_code == 200
    context = response.json()
    assert {"restaurant", "booking", "currentAssignment", "session", "zones", "tables"} <= set(context)
    assert context["session"]["id"] == mine["id"]
    assert context["booking"]["window"]["start"] and context["currentAssignment"] == []
    states = {t["tableNumber"]: t["state"] for t in context["tables"]}
    assert states["T1"] == "free" and states["T3"] == "held" and states["T6"] == "inactive"
    t3 = next(t for t in context["tables"] if t["tableNumber"] == "T3")
    assert {"id", "tableNumber", "zoneId", "capacity", "position", "state"} <= set(t3)
    assert t3["blocker"]["heldByName"] == "Hugo Host" and t3["blocker"]["expiresAt"]


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "reachable", "migrated": True}


@pytest.mark.parametrize("header", [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer sat_unknown", "Token abc"])
def test_unauthenticated(client, floor, header):
    headers = {"Authorization": header} if header else {}
    error = assert_error(hold(client, headers, floor.booking(), floor.ids("T1")), 401, "UNAUTHENTICATED")
    assert error["details"] == {}


def test_a_revoked_token_is_unauthenticated(client, conn, floor, tokens):
    call(conn, "revoke_staff_tokens", floor.staff["Hana Host"])
    assert_error(hold(client, tokens["Hana Host"], floor.booking(), floor.ids("T1")), 401, "UNAUTHENTICATED")
    assert client.get("/health").status_code == 200


def test_forbidden(client, floor, tokens):
    booking = floor.booking()
    assert_error(hold(client, tokens["Sam Server"], booking, floor.ids("T1")), 403, "FORBIDDEN")
    assert_error(
        client.get(f"/api/staff/bookings/{booking}/assignment-context", headers=tokens["Otto Outsider"]),
        403,
        "FORBIDDEN",
    )
    session = hold(client, tokens["Hana Host"], booking, floor.ids("T1")).json()
    assert_error(client.put(f"{SESSION}/{session['id']}/confirm", headers=tokens["Hugo Host"]), 403, "FORBIDDEN")
    assert_error(client.delete(f"{SESSION}/{session['id']}", headers=tokens["Hugo Host"]), 403, "FORBIDDEN")


def test_not_found(client, floor, tokens):
    hana = tokens["Hana Host"]
    assert_error(hold(client, hana, uuid.uuid4(), floor.ids("T1")), 404, "BOOKING_NOT_FOUND")
    for method, path in [
        ("get", f"{SESSION}/{uuid.uuid4()}"),
        ("put", f"{SESSION}/{uuid.uuid4()}/confirm"),
        ("delete", f"{SESSION}/{uuid.uuid4()}"),
    ]:
        assert_error(getattr(client, method)(path, headers=hana), 404, "SESSION_NOT_FOUND")
    assert_error(
        client.get(f"/api/staff/bookings/{uuid.uuid4()}/assignment-context", headers=hana), 404, "BOOKING_NOT_FOUND"
    )
    assert_error(client.get("/api/staff/nowhere", headers=hana), 404, "NOT_FOUND")
    assert_error(client.get("/nowhere"), 404, "NOT_FOUND")


def test_method_not_allowed(client, tokens):
    assert_error(client.patch(SESSION, headers=tokens["Hana Host"]), 405, "METHOD_NOT_ALLOWED")
    assert_error(client.post("/health"), 405, "METHOD_NOT_ALLOWED")


def test_conflicts_409(client, conn, floor, tokens):
    hana = tokens["Hana Host"]
    proposed = hold(client, hana, floor.booking(party_size=9), floor.ids("T1")).json()
    error = assert_error(client.put(f"{SESSION}/{proposed['id']}/confirm", headers=hana), 409, "SESSION_NOT_HELD")
    assert error["details"]["checks"]

    expired = hold(client, hana, floor.booking(), floor.ids("T2")).json()
    expire_hold(conn, expired["id"])
    assert_error(client.put(f"{SESSION}/{expired['id']}/confirm", headers=hana), 409, "HOLD_EXPIRED")
    assert client.get(f"{SESSION}/{expired['id']}", headers=hana).json()["status"] == "EXPIRED"

    cancelled = hold(client, hana, floor.booking(), floor.ids("T3")).json()
    client.delete(f"{SESSION}/{cancelled['id']}", headers=hana)
    assert_error(client.put(f"{SESSION}/{cancelled['id']}/confirm", headers=hana), 409, "SESSION_CLOSED")

    confirmed = hold(client, hana, floor.booking(), floor.ids("T4")).json()
    client.put(f"{SESSION}/{confirmed['id']}/confirm", headers=hana)
    assert_error(client.delete(f"{SESSION}/{confirmed['id']}", headers=hana), 409, "SESSION_CLOSED")

    stale = hold(client, hana, floor.booking(), floor.ids("T7")).json()
    conn.execute("UPDATE seating.table_inventory SET active = false WHERE id = %s", (floor.tables["T7"],))
    error = assert_error(client.put(f"{SESSION}/{stale['id']}/confirm", headers=hana), 409, "VALIDATION_FAILED")
    assert [c["id"] for c in error["details"]["checks"] if c["severity"] == "error"] == ["active"]


def test_unknown_tables_422(client, floor, tokens):
    stranger = uuid.uuid4()
    error = assert_error(
        hold(client, tokens["Hana Host"], floor.booking(), [floor.tables["T1"], stranger]), 422, "UNKNOWN_TABLES"
    )
    assert error["details"]["tableIds"] == [str(stranger)]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"bookingId": "not-a-uuid", "tableIds": ["00000000-0000-0000-0000-000000000001"]}',
        b'{"bookingId": "00000000-0000-0000-0000-000000000001"}',
        b'{"bookingId": "00000000-0000-0000-0000-000000000001", "tableIds": []}',
        b'{"bookingId": "00000000-0000-0000-0000-000000000001", "tableIds": "x"}',
        b'{"bookingId": "00000000-0000-0000-0000-000000000001", "tableIds": [1]}',
        b'{"bookingId": "00000000-0000-0000-0000-000000000001", "tableIds": ["00000000-0000-0000-0000-000000000001"],'
        b' "requireAdjacency": "yes"}',
        b'{"booking_id": "00000000-0000-0000-0000-000000000001",'
        b' "table_ids": ["00000000-0000-0000-0000-000000000001"]}',
    ],
)
def test_invalid_bodies_400(client, tokens, body):
    response = client.post(SESSION, content=body, headers={**tokens["Hana Host"], "Content-Type": "application/json"})
    assert_error(response, 400, "INVALID_INPUT")


def test_too_many_tables_400(client, floor, tokens):
    error = assert_error(
        hold(client, tokens["Hana Host"], floor.booking(), [uuid.uuid4() for _ in range(21)]), 400, "INVALID_INPUT"
    )
    assert "20" in error["message"]


def test_oversized_body_400(client, tokens):
    response = client.post(
        SESSION,
        content=b'{"x": "' + b"a" * 40_000 + b'"}',
        headers={**tokens["Hana Host"], "Content-Type": "application/json"},
    )
    assert_error(response, 400, "INVALID_INPUT")


@pytest.mark.parametrize(
    "path", [f"{SESSION}/42", f"{SESSION}/not-a-uuid/confirm", "/api/staff/bookings/zzz/assignment-context"]
)
def test_non_uuid_path_ids_400(client, tokens, path):
    method = "put" if path.endswith("confirm") else "get"
    error = assert_error(getattr(client, method)(path, headers=tokens["Hana Host"]), 400, "INVALID_INPUT")
    assert "UUID" in error["message"]


def test_nothing_is_lost_on_bad_input(client, conn, floor, tokens):
    hold(client, tokens["Hana Host"], floor.booking(), [floor.tables["T1"], uuid.uuid4()])
    assert conn.execute("SELECT count(*) FROM seating.manual_assignment_sessions").fetchone()[0] == 0


def test_unreachable_database_503(settings, floor, tokens):
    app = create_app(
        replace(
            settings, database_url="postgresql://nobody@127.0.0.1:1/none?connect_timeout=1", request_deadline_ms=500
        )
    )
    with TestClient(app) as client:
        assert_error(client.get("/health"), 503, "UNAVAILABLE")
        assert_error(hold(client, tokens["Hana Host"], floor.booking(), floor.ids("T1")), 503, "UNAVAILABLE")


def test_overloaded_database_503(settings, db_url, floor, tokens):
    """A statement that waits too long for a lock (a booking locked elsewhere) is 503, at once."""
    booking = floor.booking()
    app = create_app(replace(settings, lock_timeout_ms=200))
    with psycopg.connect(db_url) as blocker, TestClient(app) as client:
        blocker.execute("SELECT 1 FROM seating.bookings WHERE id = %s FOR UPDATE", (booking,))
        assert_error(hold(client, tokens["Hana Host"], booking, floor.ids("T1")), 503, "UNAVAILABLE")
        blocker.rollback()
        assert hold(client, tokens["Hana Host"], booking, floor.ids("T1")).status_code == 201


def test_openapi_describes_every_route_and_error(client):
    schema = client.get("/schema/openapi.json").json()
    operations = {op["operationId"]: op for path in schema["paths"].values() for op in path.values()}
    assert {
        "createSessionHold",
        "confirmSession",
        "getSession",
        "cancelSession",
        "getAssignmentContext",
        "health",
    } <= set(operations)
    assert {"200", "201", "400", "401", "403", "404", "422", "503"} <= set(operations["createSessionHold"]["responses"])
    assert "409" in operations["confirmSession"]["responses"]
    body = schema["components"]["schemas"]["HoldRequest"]
    assert set(body["properties"]) == {"bookingId", "tableIds", "requireAdjacency"}
