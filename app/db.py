"""Every SQL statement the Python side sends lives here. Each api call is one statement: the
bearer token is resolved inside it (api.authenticate_staff), so one request is one round trip
and one transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

import msgspec
import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import set_json_loads
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from app import errors
from app.settings import APP_ROLE, Settings

# --- operations (CLI, migrations, embedded server) -----------------------------------------


def apply_function_files(conn: psycopg.Connection, paths: list[Path]) -> None:
    """Re-create every function and trigger in one transaction, serialized against other migrators.

    The triggers on seating's tables and every function in api and seating are dropped first,
    so a changed signature or return type applies and a deleted file leaves nothing behind; the
    files re-create them (triggers live beside their functions). Bodies are checked when first
    run, not at creation (as pg_dump restores do), so file order is free."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('seating.functions'))")
        conn.execute("SET LOCAL check_function_bodies = off")
        triggers = conn.execute(
            "SELECT format('DROP TRIGGER %I ON %s', t.tgname, t.tgrelid::regclass) FROM pg_trigger AS t"
            "  JOIN pg_class AS c ON c.oid = t.tgrelid"
            " WHERE c.relnamespace = 'seating'::regnamespace AND NOT t.tgisinternal").fetchall()
        functions = conn.execute(
            "SELECT format('DROP FUNCTION %s', p.oid::regprocedure) FROM pg_proc AS p"
            " WHERE p.pronamespace IN ('api'::regnamespace, 'seating'::regnamespace)").fetchall()
        for (statement,) in triggers + functions:
            conn.execute(statement)
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


# --- the HTTP app: one statement per request, token resolved inside it -----------------------


def create_pool(settings: Settings) -> AsyncConnectionPool:
    """The app's pool. Connections run as the least-privilege role and autocommit, so each api
    call is exactly one transaction."""

    async def configure(conn: psycopg.AsyncConnection) -> None:
        set_json_loads(msgspec.json.decode, conn)  # the checks arrive as JSON; msgspec parses it fastest
        await conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(APP_ROLE)))
        await conn.execute("SELECT set_config('statement_timeout', %s, false)", (str(settings.statement_timeout_ms),))

    return AsyncConnectionPool(
        settings.database_url,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        timeout=settings.pool_timeout_seconds,
        kwargs={"autocommit": True, "row_factory": dict_row},
        configure=configure,
        open=False,
        name="seating",
    )


async def _one(pool: AsyncConnectionPool, query: str, params: tuple) -> dict:
    """Run one api statement. Every api call is idempotent, so a serialization failure, deadlock
    or dropped connection is retried once; then the database counts as unavailable."""
    for attempt in (1, 2):
        try:
            async with pool.connection() as conn:
                return await (await conn.execute(query, params)).fetchone()
        except PoolTimeout:
            raise errors.unavailable("No database connection became free in time.") from None
        except psycopg.Error as error:
            mapped = errors.from_database(error)
            if mapped is None:
                raise
            if mapped.code == "UNAVAILABLE" and attempt == 1:
                continue
            raise mapped from None
    raise AssertionError("unreachable")


async def _all(pool: AsyncConnectionPool, query: str, params: tuple) -> list[dict]:
    """Run one api statement that returns rows; retried like _one."""
    for attempt in (1, 2):
        try:
            async with pool.connection() as conn:
                return await (await conn.execute(query, params)).fetchall()
        except PoolTimeout:
            raise errors.unavailable("No database connection became free in time.") from None
        except psycopg.Error as error:
            mapped = errors.from_database(error)
            if mapped is None:
                raise
            if mapped.code == "UNAVAILABLE" and attempt == 1:
                continue
            raise mapped from None
    raise AssertionError("unreachable")


async def create_session_hold(pool, token: str, booking_id: UUID, table_ids: list[UUID],
                              require_adjacency: bool | None) -> dict:
    return await _one(pool, "SELECT * FROM api.create_session_hold(api.authenticate_staff(%s), %s, %s::uuid[], %s)",
                      (token, booking_id, table_ids, require_adjacency))


async def confirm_session(pool, token: str, session_id: UUID) -> dict:
    return await _one(pool, "SELECT * FROM api.confirm_session(api.authenticate_staff(%s), %s)", (token, session_id))


async def cancel_session(pool, token: str, session_id: UUID) -> dict:
    return await _one(pool, "SELECT * FROM api.cancel_session(api.authenticate_staff(%s), %s)", (token, session_id))


async def get_session(pool, token: str, session_id: UUID) -> dict:
    return await _one(pool, "SELECT * FROM api.get_session(api.authenticate_staff(%s), %s)", (token, session_id))


async def get_assignment_context(pool, token: str, booking_id: UUID) -> dict:
    return await _one(pool, "SELECT * FROM api.get_assignment_context(api.authenticate_staff(%s), %s)",
                      (token, booking_id))


async def suggest_tables(pool, token: str, booking_id: UUID, limit: int) -> list[dict]:
    return await _all(pool, "SELECT * FROM api.suggest_tables(api.authenticate_staff(%s), %s, %s)",
                      (token, booking_id, limit))


async def auto_assign(pool, token: str, booking_id: UUID) -> dict:
    return await _one(pool, "SELECT * FROM api.auto_assign(api.authenticate_staff(%s), %s)", (token, booking_id))


async def auto_assign_pending(pool, token: str, restaurant_id: UUID, start: datetime, end: datetime) -> list[dict]:
    return await _all(pool, "SELECT * FROM api.auto_assign_pending(api.authenticate_staff(%s), %s, %s, %s)",
                      (token, restaurant_id, start, end))


async def health(pool) -> dict:
    """Reachable, and migrated: the api functions exist."""
    return await _one(pool, "SELECT to_regprocedure('api.create_session_hold(uuid, uuid, uuid[], boolean)')"
                      " IS NOT NULL AS migrated", ())


# --- the demo restaurant ----------------------------------------------------------------------

DEMO_RESTAURANT_ID = "d0000000-0000-4000-8000-000000000001"


def load_demo(conn: psycopg.Connection, script: Path) -> bool:
    """Load the demo restaurant unless it is there; True when this call loaded it."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('seating.demo'))")
        if conn.execute("SELECT EXISTS (SELECT FROM seating.restaurants WHERE id = %s)",
                        (DEMO_RESTAURANT_ID,)).fetchone()[0]:
            return False
        conn.execute(script.read_text())
        return True


def issue_demo_tokens(conn: psycopg.Connection) -> list[tuple[str, str, str]]:
    """(name, role, new token) for every demo staff member."""
    return conn.execute(
        "SELECT st.display_name, m.role, api.issue_staff_token(st.id)"
        "  FROM seating.restaurant_memberships AS m JOIN seating.staff AS st ON st.id = m.staff_id"
        " WHERE m.restaurant_id = %s"
        " ORDER BY array_position(ARRAY['owner', 'manager', 'host', 'server'], m.role), st.display_name",
        (DEMO_RESTAURANT_ID,),
    ).fetchall()

