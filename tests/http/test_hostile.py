"""DESIGN §10 over HTTP: hostile input is 400 INVALID_INPUT (never coerced, never a 500), and an
error never names another restaurant's ids. Numbered cases refer to issue 12."""

import uuid
from dataclasses import replace

import pytest
from litestar.testing import TestClient

from app.http import create_app
from tests.http.test_api import SESSION, assert_error, hold
from tests.support import call, standard_floor
from tests.support import hold as sql_hold

ZERO = "00000000-0000-0000-0000-000000000000"
JSON = {"Content-Type": "application/json"}


def post_raw(client, body: bytes, headers=None):
    return client.post(SESSION, content=body, headers={**(headers or {}), **JSON})


# --- case 6: strict JSON types, nothing coerced ------------------------------------------------


@pytest.mark.parametrize(
    "value", [b"1", b"0", b'"true"', b'"false"', b'"0"', b'"1"', b'"null"', b'""', b"[]", b"{}", b"1.0"]
)
def test_case6_require_adjacency_is_a_json_boolean_or_null(client, floor, tokens, value):
    """T1 and T3 are not adjacent: a coerced "false" would turn the check off and hold them."""
    booking = floor.booking(party_size=6)
    body = b'{"bookingId": "%s", "tableIds": ["%s", "%s"], "requireAdjacency": %s}' % (
        str(booking).encode(),
        str(floor.tables["T1"]).encode(),
        str(floor.tables["T3"]).encode(),
        value,
    )
    error = assert_error(post_raw(client, body, tokens["Hana Host"]), 400, "INVALID_INPUT")
    assert error["details"]["errors"][0]["key"] == "requireAdjacency"


def test_case6_null_and_booleans_are_accepted(client, floor, tokens):
    booking = floor.booking(party_size=6)
    tables = floor.ids("T1", "T3")
    assert hold(client, tokens["Hana Host"], booking, tables, requireAdjacency=None).json()["status"] == "PROPOSED"
    assert hold(client, tokens["Hana Host"], booking, tables, requireAdjacency=True).json()["status"] == "PROPOSED"
    assert hold(client, tokens["Hana Host"], booking, tables, requireAdjacency=False).json()["status"] == "HELD"


@pytest.mark.parametrize(
    "body",
    [
        {"bookingId": 0, "tableIds": [ZERO]},
        {"bookingId": None, "tableIds": [ZERO]},
        {"bookingId": [ZERO], "tableIds": [ZERO]},
        {"bookingId": {"id": ZERO}, "tableIds": [ZERO]},
        {"bookingId": ZERO, "tableIds": ZERO},
        {"bookingId": ZERO, "tableIds": [0]},
        {"bookingId": ZERO, "tableIds": [None]},
        {"bookingId": ZERO, "tableIds": {"0": ZERO}},
        {"bookingId": ZERO, "tableIds": [ZERO + " "]},
        {"bookingId": " " + ZERO, "tableIds": [ZERO]},
        {"bookingId": "{" + ZERO + "}", "tableIds": [ZERO]},
        {"bookingId": "urn:uuid:" + ZERO, "tableIds": [ZERO]},
        {"bookingId": ZERO + "\n", "tableIds": [ZERO]},
        {"bookingId": ZERO + "\u0000", "tableIds": [ZERO]},
    ],
)
def test_uuid_fields_are_json_strings_in_uuid_form(client, tokens, body):
    assert_error(client.post(SESSION, json=body, headers=tokens["Hana Host"]), 400, "INVALID_INPUT")


# --- case 7: path ids are a UUID and nothing else -----------------------------------------------

ID_ROUTES = [
    ("get", SESSION + "/{}"),
    ("put", SESSION + "/{}/confirm"),
    ("delete", SESSION + "/{}"),
    ("get", "/api/staff/bookings/{}/assignment-context"),
]
NOT_A_UUID = [
    ZERO + "%0A",
    ZERO + "%0D%0A",
    ZERO + "%00",
    ZERO + "%20",
    "%20" + ZERO,
    ZERO + "%09",
    "%7B" + ZERO + "%7D",
    "urn:uuid:" + ZERO,
    ZERO[:-1],
    ZERO + "0",
    ZERO.replace("0", "g", 1),
    ZERO.replace("-", "%2D")[:-1],
    "%C3%A9" * 18,
    "1e999",
    "-1",
]


@pytest.mark.parametrize("method,route", ID_ROUTES)
@pytest.mark.parametrize("path_id", NOT_A_UUID)
def test_case7_path_ids_are_exactly_a_uuid(client, method, route, path_id):
    """Any bearer value: the 400 comes before the token is even looked at."""
    response = getattr(client, method)(route.format(path_id), headers={"Authorization": "Bearer anything"})
    error = assert_error(response, 400, "INVALID_INPUT")
    assert "UUID" in error["message"]


@pytest.mark.parametrize("method,route", ID_ROUTES)
def test_a_uuid_path_id_passes(client, tokens, method, route):
    response = getattr(client, method)(route.format(uuid.uuid4()), headers=tokens["Hana Host"])
    assert response.status_code == 404


# --- case 8 and every other decode error: 400, no token needed, never a 500 ---------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 1000 + b"]" * 1000,
        b'{"bookingId": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        b'{"x": ' + b'{"a": ' * 1000 + b"1" + b"}" * 1001,
        b"[" * 100_000,
        b'{"bookingId": ' + b"9" * 4000 + b', "tableIds": []}',
        b'{"bookingId": "' + ZERO.encode() + b'", "tableIds": ["' + ZERO.encode() + b'"], "requireAdjacency": 1e999}',
        b'{"bookingId": "' + ZERO.encode() + b'", "tableIds": ["' + ZERO.encode() + b'"], "requireAdjacency": -0}',
        b'{"bookingId": "\x01\x02", "tableIds": []}',
        b'{"bookingId": "\xff\xfe\xfd", "tableIds": []}',
        b'\xef\xbb\xbf{"bookingId": "x"}',
        b'{"bookingId": "\\ud800", "tableIds": []}',
        b"",
        b"null",
        b"   ",
        b'"' + b"a" * 100 + b'"',
        b"{" * 10,
        b'{"bookingId": NaN}',
    ],
)
def test_case8_malformed_deep_or_huge_bodies_400(client, body):
    """Any bearer value: the body is refused before the token is looked up."""
    assert_error(post_raw(client, body, {"Authorization": "Bearer anything"}), 400, "INVALID_INPUT")


def test_case8_without_a_token_or_with_a_valid_one(client, tokens):
    nested = b"[" * 1000 + b"]" * 1000
    assert_error(post_raw(client, nested), 400, "INVALID_INPUT")
    assert_error(post_raw(client, nested, tokens["Hana Host"]), 400, "INVALID_INPUT")


def test_an_empty_body_says_a_json_body_is_required(client, tokens):
    error = assert_error(post_raw(client, b"", tokens["Hana Host"]), 400, "INVALID_INPUT")
    assert error["message"] == "A JSON body is required."


def test_a_nul_character_in_a_text_field_is_400(client, floor, tokens):
    """PostgreSQL cannot store NUL in text: the legacy flow's contextVersion with one is refused."""
    body = {"bookingId": str(floor.booking()), "tableIds": [str(floor.tables["T1"])], "contextVersion": "v\u0000"}
    response = client.post("/api/staff/manual/validate", json=body, headers=tokens["Hana Host"])
    assert_error(response, 400, "INVALID_INPUT")


def test_oversized_body_without_a_token_400(client):
    assert_error(post_raw(client, b"[" * 1_000_000), 400, "INVALID_INPUT")


@pytest.mark.parametrize(
    "header", ["Bearer \x01", "Bearer " + "a" * 10_000, "Bearer sat_\u00e9", "bearer  ", "Bearer a b"]
)
def test_odd_authorization_headers_401(client, floor, header):
    response = client.get(f"{SESSION}/{uuid.uuid4()}", headers={"Authorization": header.encode()})
    assert_error(response, 401, "UNAUTHENTICATED")


# --- case 11: no foreign ids in errors ----------------------------------------------------------


def ids_in(value) -> set[str]:
    """Every UUID-looking string anywhere in a JSON value."""
    if isinstance(value, dict):
        return set().union(*(ids_in(v) for v in value.values()), *(ids_in(k) for k in value))
    if isinstance(value, list):
        return set().union(*(ids_in(v) for v in value)) if value else set()
    if isinstance(value, str):
        try:
            return {str(uuid.UUID(value))}
        except ValueError:
            return set()
    return set()


def test_case11_a_403_for_another_restaurants_booking_names_none_of_its_ids(client, conn, floor, tokens):
    """Whatever a caller of restaurant 1 (or of none) tries on restaurant 2's booking and session,
    the error names no id of restaurant 2 beyond the ones the caller sent."""
    elsewhere = standard_floor(conn)
    booking = elsewhere.booking()
    session = sql_hold(conn, elsewhere.staff["Hana Host"], booking, elsewhere.ids("T1"))["id"]
    theirs = {
        str(elsewhere.id),
        str(booking),
        str(session),
        *map(str, elsewhere.tables.values()),
        *map(str, elsewhere.staff.values()),
        *map(str, elsewhere.zones.values()),
    }
    attempts = [  # (caller, method, path, body)
        ("Hana Host", "post", SESSION, {"bookingId": str(booking), "tableIds": [str(elsewhere.tables["T1"])]}),
        ("Hana Host", "post", SESSION, {"bookingId": str(booking), "tableIds": [str(floor.tables["T1"])]}),
        ("Otto Outsider", "post", SESSION, {"bookingId": str(booking), "tableIds": [str(elsewhere.tables["T2"])]}),
        ("Hana Host", "get", f"/api/staff/bookings/{booking}/assignment-context", None),
        ("Max Manager", "get", f"{SESSION}/{session}", None),
        ("Hana Host", "put", f"{SESSION}/{session}/confirm", None),
        ("Olga Owner", "delete", f"{SESSION}/{session}", None),
    ]
    for caller, method, path, body in attempts:
        sent = ids_in(path.split("/")) | ids_in(body)
        response = client.request(method.upper(), path, json=body, headers=tokens[caller])
        error = assert_error(response, 403, "FORBIDDEN")
        assert ids_in(error) & theirs <= sent, (path, error)
        assert ids_in(error) <= sent | {str(floor.staff[caller])}, (path, error)


def test_case11_unknown_tables_never_name_another_restaurants_table(client, conn, floor, tokens):
    """Hana's own booking with a table of another restaurant: 422 naming the ids she sent, and
    nothing about where that table lives."""
    elsewhere = standard_floor(conn)
    foreign_table = elsewhere.tables["T1"]
    error = assert_error(
        hold(client, tokens["Hana Host"], floor.booking(), [floor.tables["T1"], foreign_table]), 422, "UNKNOWN_TABLES"
    )
    assert error["details"]["tableIds"] == [str(foreign_table)]  # what she sent, nothing more
    assert not ids_in(error) & {str(elsewhere.id), *map(str, elsewhere.zones.values())}


# --- case 10: the bearer token never reaches PostgreSQL; tokens expire ---------------------------


def traced(client, app, trace_path, requests):
    """Run requests with libpq's protocol trace on the app's one pooled connection: the file
    holds every message the app sent PostgreSQL (statements and bind parameters)."""
    pool = app.state.pool

    async def switch(on: bool):
        async with pool.connection() as conn:
            if on:
                conn.pgconn.trace(trace_file.fileno())
            else:
                conn.pgconn.untrace()

    with open(trace_path, "w") as trace_file:
        client.blocking_portal.call(switch, True)
        try:
            requests()
        finally:
            client.blocking_portal.call(switch, False)
    return trace_path.read_text()


def test_case10_no_bearer_token_reaches_postgresql(settings, conn, floor, tmp_path):
    """What log_min_duration_statement = 0 would log is what the app sends: the trace of its one
    connection holds the statements and bind parameters of every route, and no token."""
    token = call(conn, "issue_staff_token", floor.staff["Hana Host"])["issue_staff_token"]
    secret = token.removeprefix("sat_")
    headers = {"Authorization": f"Bearer {token}"}
    booking = floor.booking()
    app = create_app(replace(settings, pool_min_size=1, pool_max_size=1))
    with TestClient(app) as client:

        def every_route():
            session = hold(client, headers, booking, floor.ids("T1")).json()
            assert session["status"] == "HELD"
            for method, path in [
                ("get", f"{SESSION}/{session['id']}"),
                ("put", f"{SESSION}/{session['id']}/confirm"),
                ("delete", f"{SESSION}/{session['id']}"),
                ("get", f"/api/staff/bookings/{booking}/assignment-context"),
                ("get", f"{SESSION}/{uuid.uuid4()}"),
            ]:
                assert getattr(client, method)(path, headers=headers).status_code < 500
            assert_error(
                client.get(f"{SESSION}/{uuid.uuid4()}", headers={"Authorization": "Bearer sat_wrong"}),
                401,
                "UNAUTHENTICATED",
            )

        sent = traced(client, app, tmp_path / "app.trace", every_route)
        assert "authenticate_staff" in sent and "Bind" in sent  # the trace did see the calls
        assert secret not in sent and "sat_wrong" not in sent

        # The check can fail: the same trace shows a token sent in clear as a bind parameter.
        async def leak():
            async with app.state.pool.connection() as connection:
                await connection.execute("SELECT %s::text", (token,))

        leaked = traced(client, app, tmp_path / "leak.trace", lambda: client.blocking_portal.call(leak))
        assert secret in leaked


def test_case10_an_expired_token_is_401(client, conn, floor, tokens):
    hana = tokens["Hana Host"]
    assert hold(client, hana, floor.booking(), floor.ids("T1")).status_code == 201
    conn.execute(
        "UPDATE seating.staff_tokens SET created_at = created_at - interval '31 days',"
        " expires_at = expires_at - interval '31 days' WHERE staff_id = %s",
        (floor.staff["Hana Host"],),
    )
    error = assert_error(hold(client, hana, floor.booking(), floor.ids("T2")), 401, "UNAUTHENTICATED")
    assert error["details"] == {}
