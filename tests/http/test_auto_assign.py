"""Suggestions and automatic assignment over HTTP: bodies in camelCase, every error status."""

import uuid
from datetime import timedelta

from tests.support import EVENING, call


def test_suggestions_are_ranked_camel_case_and_pass_the_engine(client, floor, tokens, conn):
    booking = floor.booking(party_size=4)
    response = client.get(f"/api/staff/bookings/{booking}/suggestions?limit=3", headers=tokens["Sam Server"])
    assert response.status_code == 200, response.text
    suggestions = response.json()["suggestions"]
    assert [s["rank"] for s in suggestions] == [1, 2, 3]
    first = suggestions[0]
    assert set(first) == {"rank", "tableIds", "tableNumbers", "totalCapacity", "slack", "score", "reasons"}
    assert first["slack"] == 0 and first["reasons"][0]["factor"] == "empty_seats"
    for s in suggestions:
        assert call(conn, "evaluate_selection", booking, s["tableIds"], None)["passed"]


def test_suggestion_errors(client, floor, tokens):
    booking = floor.booking(party_size=2)
    url = f"/api/staff/bookings/{booking}/suggestions"
    assert client.get(url).json()["error"]["code"] == "UNAUTHENTICATED"
    for bad in ("?limit=0", "?limit=51", "?limit=two"):
        response = client.get(url + bad, headers=tokens["Hana Host"])
        assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_INPUT"), bad
    response = client.get("/api/staff/bookings/not-a-uuid/suggestions", headers=tokens["Hana Host"])
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_INPUT")
    response = client.get(url, headers=tokens["Otto Outsider"])
    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
    response = client.get(f"/api/staff/bookings/{uuid.uuid4()}/suggestions", headers=tokens["Hana Host"])
    assert (response.status_code, response.json()["error"]["code"]) == (404, "BOOKING_NOT_FOUND")


def test_auto_assign_confirms_or_answers_no_fit(client, floor, tokens):
    booking = floor.booking(party_size=4)
    response = client.post(f"/api/staff/bookings/{booking}/auto-assign", headers=tokens["Hana Host"])
    assert response.status_code == 200, response.text
    session = response.json()
    assert session["status"] == "CONFIRMED" and session["assignment"]["tableIds"] == session["proposedTables"]

    too_big = floor.booking(party_size=40)
    response = client.post(f"/api/staff/bookings/{too_big}/auto-assign", headers=tokens["Hana Host"])
    assert (response.status_code, response.json()["error"]["code"]) == (409, "NO_FIT")
    assert response.json()["error"]["details"]["reason"] == "no_capacity"

    response = client.post(f"/api/staff/bookings/{booking}/auto-assign", headers=tokens["Sam Server"])
    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
    response = client.post(f"/api/staff/bookings/{uuid.uuid4()}/auto-assign", headers=tokens["Hana Host"])
    assert (response.status_code, response.json()["error"]["code"]) == (404, "BOOKING_NOT_FOUND")
    response = client.post("/api/staff/bookings/nope/auto-assign", headers=tokens["Hana Host"])
    assert response.status_code == 400
    assert client.post(f"/api/staff/bookings/{booking}/auto-assign").status_code == 401


def test_auto_assign_pending_reports_each_booking_and_is_idempotent(client, floor, tokens):
    for party in (2, 4, 40):
        floor.booking(party_size=party)
    url = f"/api/staff/restaurants/{floor.id}/auto-assign"
    body = {"from": (EVENING - timedelta(hours=1)).isoformat(), "to": (EVENING + timedelta(hours=1)).isoformat()}
    response = client.post(url, json=body, headers=tokens["Max Manager"])
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert sorted(r["outcome"] for r in results) == ["assigned", "assigned", "no_fit"]
    assert set(results[0]) == {"bookingId", "outcome", "tableIds", "reason"}
    again = client.post(url, json=body, headers=tokens["Max Manager"]).json()["results"]
    assert [r["outcome"] for r in again] == ["no_fit"]

    for bad in (
        {"from": body["to"], "to": body["from"]},
        {"from": body["from"]},
        {"from": "2030-06-01T18:00:00", "to": "2030-06-01T20:00:00"},
        {"from": "tonight", "to": body["to"]},
        {**body, "extra": True},
    ):
        response = client.post(url, json=bad, headers=tokens["Max Manager"])
        assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_INPUT"), bad
    response = client.post(url, json=body, headers=tokens["Sam Server"])
    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
    response = client.post(
        f"/api/staff/restaurants/{uuid.uuid4()}/auto-assign", json=body, headers=tokens["Max Manager"]
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
    assert client.post(url, json=body).status_code == 401


def test_require_adjacency_on_suggestions_and_auto_assign(client, floor, tokens, conn):
    """Main's tables stand in a row, T1 - T2 - T3 - T4: requireAdjacency=false lets a party of 6
    sit at T1 + T3 (apart), as on a hold; true, or the restaurant's setting, does not. A body or
    query value of the wrong type is 400, never ignored."""
    booking = floor.booking(party_size=6)
    url = f"/api/staff/bookings/{booking}/suggestions?limit=10"
    pairs = {}
    for query in ("", "&requireAdjacency=true", "&requireAdjacency=false"):
        response = client.get(url + query, headers=tokens["Hana Host"])
        assert response.status_code == 200, response.text
        pairs[query] = [s["tableNumbers"] for s in response.json()["suggestions"]]
    assert ["T1", "T3"] in pairs["&requireAdjacency=false"]
    assert ["T1", "T3"] not in pairs[""] and pairs[""] == pairs["&requireAdjacency=true"]
    for bad in ("maybe", "1", "TRUE", "False"):
        response = client.get(f"{url}&requireAdjacency={bad}", headers=tokens["Hana Host"])
        assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_INPUT"), bad

    auto = f"/api/staff/bookings/{booking}/auto-assign"
    for body in ({"requireAdjacency": 1}, {"requireAdjacency": True, "extra": 1}, [True]):
        response = client.post(auto, json=body, headers=tokens["Hana Host"])
        assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_INPUT"), body
    # with T5, T3 and T7 held for others, every adjacent way is taken: only tables apart are left
    for table, party in (("T5", 6), ("T3", 4), ("T7", 4)):
        call(
            conn,
            "create_session_hold",
            floor.staff["Hugo Host"],
            floor.booking(party_size=party),
            [floor.tables[table]],
            None,
        )
    refused = client.post(auto, json={"requireAdjacency": True}, headers=tokens["Hana Host"])
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "NO_FIT"), refused.text
    seated = client.post(auto, json={"requireAdjacency": False}, headers=tokens["Hana Host"])
    assert seated.status_code == 200, seated.text
    assert call(conn, "evaluate_selection", booking, seated.json()["proposedTables"], False)["passed"]
