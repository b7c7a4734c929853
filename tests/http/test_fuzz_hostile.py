"""Hostile HTTP fuzzing (DESIGN §10) beside schemathesis, whose generators follow the schema and
miss these: type confusion in every field, control characters and look-alikes in path ids, deep
nesting, huge numbers, invalid UTF-8. Whatever is sent: never a 5xx, and every error has the
one shape."""

import json
import re
import uuid
from dataclasses import replace
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from tests.http.test_api import SESSION

EXACT_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}")
FUZZ = fuzz_settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture
def settings(settings):
    """One connection, opened before the first draw (see test_fuzz.py)."""
    return replace(settings, pool_min_size=1, pool_max_size=1)


def uuid_text() -> st.SearchStrategy[str]:
    return st.uuids().map(str)


def mangled_uuid() -> st.SearchStrategy[str]:
    """A UUID with something around or inside it: control characters, spaces, NUL, other case,
    braces, a prefix, a character dropped."""
    junk = st.one_of(
        st.sampled_from(
            [
                "\n",
                "\r\n",
                "\x00",
                " ",
                "\t",
                "\x7f",
                "\u00a0",
                "\u2028",
                "{",
                "}",
                "urn:uuid:",
                "%",
                "/",
                "..",
                "\ufeff",
            ]
        ),
        st.characters(max_codepoint=0x1F).map(str),
    )
    return st.one_of(
        st.tuples(junk, uuid_text()).map("".join),
        st.tuples(uuid_text(), junk).map("".join),
        st.tuples(uuid_text(), junk, st.integers(0, 35)).map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]),
        uuid_text().map(lambda u: u[:-1]),
        uuid_text().map(lambda u: u.upper().replace("-", "")),
        st.text(max_size=60),
    )


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["true", "false", "0", "1", "null", "", "yes", "NaN"]),
    mangled_uuid(),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def confused_bodies(draw) -> dict:
    """A hold request where each field may carry any JSON value in place of the right type."""
    body = {
        "bookingId": draw(st.one_of(uuid_text(), json_values)),
        "tableIds": draw(st.one_of(st.lists(st.one_of(uuid_text(), json_values), max_size=22), json_values)),
    }
    if draw(st.booleans()):
        body["requireAdjacency"] = draw(st.one_of(st.booleans(), json_values))
    if draw(st.booleans()):
        body[draw(st.text(max_size=12))] = draw(json_values)
    return body


def raw_bodies() -> st.SearchStrategy[bytes]:
    deep = st.tuples(st.sampled_from([b"[", b'{"a":', b'{"bookingId":[']), st.integers(200, 20_000), st.booleans()).map(
        lambda t: t[0] * t[1] + (b"]" * t[1] if t[0] == b"[" and t[2] else b"")
    )
    huge = st.tuples(
        st.sampled_from(["bookingId", "tableIds", "requireAdjacency"]),
        st.integers(300, 5_000),
        st.sampled_from(["9", "1e", "-0.", "1.5e-"]),
    ).map(
        lambda t: (
            json.dumps({"bookingId": str(uuid.uuid4()), "tableIds": [str(uuid.uuid4())]})
            .replace(f'"{t[0]}":', f'"{t[0]}": {t[2]}{"9" * t[1]},"x{t[0]}":')
            .encode()
        )
    )
    return st.one_of(
        deep,
        huge,
        st.binary(max_size=300),
        confused_bodies().map(lambda b: json.dumps(b).encode()[:-1]),  # truncated
        st.binary(max_size=40).map(lambda junk: b'{"bookingId": "' + junk + b'", "tableIds": []}'),
    )


def assert_no_server_error(response):
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}


def test_type_confusion_in_every_field(client, floor, tokens):
    hana = tokens["Hana Host"]
    assert client.get(f"{SESSION}/{uuid.uuid4()}", headers=hana).status_code == 404  # the pool's connection opens

    @FUZZ
    @given(body=confused_bodies())
    def run(body):
        response = client.post(SESSION, json=body, headers=hana)
        assert_no_server_error(response)
        well_typed = (
            isinstance(body.get("bookingId"), str)
            and isinstance(body["tableIds"], list)
            and isinstance(body.get("requireAdjacency", None), (bool, type(None)))
        )
        if not well_typed:
            assert response.status_code == 400, body

    run()


def test_raw_bodies_deep_nesting_huge_numbers_bad_utf8(client, tokens):
    hana = {**tokens["Hana Host"], "Content-Type": "application/json"}
    assert client.get(f"{SESSION}/{uuid.uuid4()}", headers=hana).status_code == 404

    @FUZZ
    @given(body=raw_bodies(), with_token=st.booleans())
    def run(body, with_token):
        headers = hana if with_token else {"Content-Type": "application/json"}
        response = client.post(SESSION, content=body, headers=headers)
        assert_no_server_error(response)
        assert response.status_code in (400, 401, 404, 422), response.text[:300]

    run()


@pytest.mark.parametrize(
    "method,route",
    [
        ("get", SESSION + "/{}"),
        ("put", SESSION + "/{}/confirm"),
        ("delete", SESSION + "/{}"),
        ("get", "/api/staff/bookings/{}/assignment-context"),
    ],
)
def test_control_characters_and_look_alikes_in_path_ids(client, tokens, method, route):
    hana = tokens["Hana Host"]
    assert client.get(f"{SESSION}/{uuid.uuid4()}", headers=hana).status_code == 404

    @FUZZ
    @given(path_id=mangled_uuid())
    def run(path_id):
        response = getattr(client, method)(route.format(quote(path_id, safe="")), headers=hana)
        assert_no_server_error(response)
        # Slashes around an id are the router's business (an empty segment, a trailing slash).
        if not EXACT_UUID.fullmatch(path_id.strip("/")):  # refused as input, or not routed at all
            assert (response.status_code, response.json()["error"]["code"]) in {
                (400, "INVALID_INPUT"),
                (404, "NOT_FOUND"),
                (405, "METHOD_NOT_ALLOWED"),
            }, (path_id, response.text[:300])

    run()
