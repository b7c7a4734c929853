"""plpgsql_check over every PL/pgSQL function in `api` and `seating`: what PostgreSQL itself only
finds when a line runs (a misspelt column, a wrong type, a query that cannot work).

Needs the extension on the server (Debian: postgresql-15-plpgsql-check; .ci/run installs it).
The embedded PostgreSQL 18 of `make test` does not ship it, so there the test skips."""

from __future__ import annotations

import psycopg
import pytest

# Reviewed warnings, (function, sqlstate, message): each tolerated with its reason beside it. None
# today; anything not listed here fails the test.
KNOWN_WARNINGS: set[tuple[str, str, str]] = set()

FINDINGS = """
SELECT p.oid::regprocedure::text AS function, c.level, c.sqlstate, c.message, c.lineno, c.statement
  FROM pg_proc AS p
  JOIN pg_language AS l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
  -- a trigger function is checked against the table of one of its triggers, with its transition
  -- tables (one with both, when there is one: the function may read either)
  LEFT JOIN LATERAL (SELECT t.tgrelid, t.tgoldtable, t.tgnewtable FROM pg_trigger AS t WHERE t.tgfoid = p.oid
                      ORDER BY (t.tgoldtable IS NOT NULL AND t.tgnewtable IS NOT NULL) DESC, t.oid LIMIT 1) AS t ON true
 CROSS JOIN LATERAL plpgsql_check_function_tb(p.oid::regprocedure, coalesce(t.tgrelid, 0),
                                              oldtable => t.tgoldtable, newtable => t.tgnewtable) AS c
 WHERE p.pronamespace IN ('api'::regnamespace, 'seating'::regnamespace)
 ORDER BY 1, c.lineno
"""


def plpgsql_functions(conn: psycopg.Connection) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_proc AS p JOIN pg_language AS l ON l.oid = p.prolang AND l.lanname = 'plpgsql'"
        " WHERE p.pronamespace IN ('api'::regnamespace, 'seating'::regnamespace)"
    ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def checked(conn: psycopg.Connection) -> psycopg.Connection:
    if conn.execute("SELECT FROM pg_available_extensions WHERE name = 'plpgsql_check'").fetchone() is None:
        pytest.skip(
            "plpgsql_check is not installed on this server (Debian: postgresql-15-plpgsql-check;"
            " .ci/run installs it; the embedded PostgreSQL lacks it)"
        )
    conn.execute("CREATE EXTENSION IF NOT EXISTS plpgsql_check")
    return conn


def findings(conn: psycopg.Connection) -> list[tuple[str, str, str, str, int | None, str | None]]:
    return conn.execute(FINDINGS).fetchall()


def test_every_plpgsql_function_passes_plpgsql_check(checked):
    assert plpgsql_functions(checked) > 20  # the query sees the functions it is meant to check
    unexpected = [f for f in findings(checked) if f[1] != "warning" or (f[0], f[2], f[3]) not in KNOWN_WARNINGS]
    assert unexpected == []


def test_the_check_finds_a_broken_function(checked):
    """The check above can fail: a function reading a column that does not exist is reported."""
    checked.execute("SET check_function_bodies = off")
    checked.execute("""
        CREATE FUNCTION seating._broken() RETURNS integer LANGUAGE plpgsql SET search_path = '' AS $$
        BEGIN
            RETURN (SELECT b.no_such_column FROM seating.bookings AS b LIMIT 1);
        END $$""")
    errors = [f for f in findings(checked) if f[0] == "seating._broken()" and f[1] == "error"]
    assert errors and "no_such_column" in errors[0][3]
