"""Bearer tokens (DESIGN §10): stored and looked up only as SHA-256 hashes, and they expire."""

from datetime import timedelta

import pytest

from app.db import token_hash
from tests.support import call, raises_code


def test_a_token_authenticates_by_its_hash_only(conn, floor):
    host = floor.staff["Hana Host"]
    token = call(conn, "issue_staff_token", host)["issue_staff_token"]
    assert call(conn, "authenticate_staff", token_hash(token))["authenticate_staff"] == host
    with raises_code("UNAUTHENTICATED"):  # the token itself is not a credential the database accepts
        call(conn, "authenticate_staff", token.encode())


def test_a_token_lives_30_days_by_default(conn, floor):
    call(conn, "issue_staff_token", floor.staff["Hana Host"])
    lifetime = conn.execute("SELECT expires_at - created_at FROM seating.staff_tokens").fetchone()[0]
    assert lifetime == timedelta(days=30)


def test_a_token_row_inserted_without_an_expiry_gets_30_days(conn, floor):
    conn.execute(
        "INSERT INTO seating.staff_tokens (staff_id, token_hash) VALUES (%s, %s)",
        (floor.staff["Hana Host"], token_hash("sat_by_hand")),
    )
    assert conn.execute("SELECT expires_at - created_at FROM seating.staff_tokens").fetchone()[0] == timedelta(days=30)


def test_an_expired_token_is_unauthenticated(conn, floor):
    host = floor.staff["Hana Host"]
    token = call(conn, "issue_staff_token", host, timedelta(days=2))["issue_staff_token"]
    assert call(conn, "authenticate_staff", token_hash(token))["authenticate_staff"] == host
    # two days pass
    conn.execute(
        "UPDATE seating.staff_tokens SET created_at = created_at - interval '2 days',"
        " expires_at = expires_at - interval '2 days'"
    )
    with raises_code("UNAUTHENTICATED"):
        call(conn, "authenticate_staff", token_hash(token))
    assert call(conn, "revoke_staff_tokens", host)["revoke_staff_tokens"] == 0  # nothing live to revoke


@pytest.mark.parametrize("ttl", [timedelta(0), timedelta(seconds=-1), timedelta(days=3660 * 2), None])
def test_a_token_lifetime_must_be_positive_and_bounded(conn, floor, ttl):
    with raises_code("INVALID_INPUT"):
        call(conn, "issue_staff_token", floor.staff["Hana Host"], ttl)
    assert conn.execute("SELECT count(*) FROM seating.staff_tokens").fetchone()[0] == 0
