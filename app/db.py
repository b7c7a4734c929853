"""Every SQL statement the Python side sends lives here. Each api call is one statement: the
bearer token is resolved inside it (api.authenticate_staff), so one request is one round trip
and one transaction."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql

# --- operations (CLI, migrations, embedded server) -----------------------------------------


def apply_function_files(conn: psycopg.Connection, paths: list[Path]) -> None:
    """Re-create every function in one transaction, serialized against other migrators. Bodies
    are checked when first run, not at creation (as pg_dump restores do), so file order is free."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('seating.functions'))")
        conn.execute("SET LOCAL check_function_bodies = off")
        for path in paths:
            conn.execute(path.read_text())


def set_server_settings(conn: psycopg.Connection, settings: dict[str, str]) -> None:
    """ALTER SYSTEM and reload (autocommit connection)."""
    for name, value in settings.items():
        conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
    conn.execute("SELECT pg_reload_conf()")


def expire_sessions(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT api.expire_sessions()").fetchone()[0]


def issue_token_by_email(conn: psycopg.Connection, email: str) -> tuple[str, str] | None:
    """(display name, token) for the staff member with this email, or None."""
    row = conn.execute(
        "SELECT st.display_name, api.issue_staff_token(st.id)"
        "  FROM seating.staff AS st WHERE lower(st.email) = lower(%s)",
        (email,),
    ).fetchone()
    return (row[0], row[1]) if row else None
