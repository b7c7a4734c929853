"""Every SQL statement the Python side sends lives here. Each api call is one statement: the
bearer token's SHA-256 is resolved inside it (api.authenticate_staff), so one request is one
round trip and one transaction, and the token itself never reaches the database."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from psycopg import sql
from psycopg.abc import Params
from psycopg.conninfo import make_conninfo
from psycopg.rows import DictRow, dict_row
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
            " WHERE c.relnamespace = 'seating'::regnamespace AND NOT t.tgisinternal"
        ).fetchall()
        functions = conn.execute(
            "SELECT format('DROP FUNCTION %s', p.oid::regprocedure) FROM pg_proc AS p"
            " WHERE p.pronamespace IN ('api'::regnamespace, 'seating'::regnamespace)"
        ).fetchall()
        for (statement,) in triggers + functions:
            conn.execute(statement)
        for path in paths:
            conn.execute(path.read_text())


def set_server_settings(conn: psycopg.Connection, settings: dict[str, str]) -> None:
    """ALTER SYSTEM and reload (autocommit connection)."""
    for name, value in settings.items():
        conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
    conn.execute("SELECT pg_reload_conf()")


def scalar(conn: psycopg.Connection, query: str, params: Params | None = None) -> Any:
    """The first column of the first row of a query that always returns a row (e.g. count(*),
    INSERT ... RETURNING, a function call). Errors: LookupError naming the query if none came."""
    row = conn.execute(query, params).fetchone()
    if row is None:
        raise LookupError(f"no row from {query!r}")
    return row[0]


def expire_sessions(conn: psycopg.Connection) -> int:
    return scalar(conn, "SELECT api.expire_sessions()")


def token_hash(token: str) -> bytes:
    """What api.authenticate_staff takes: the SHA-256 of the bearer token (32 bytes)."""
    return hashlib.sha256(token.encode()).digest()


def issue_token_by_email(conn: psycopg.Connection, email: str, ttl_days: int) -> tuple[str, str] | None:
    """(display name, token valid for ttl_days) for the staff member with this email, or None."""
    row = conn.execute(
        "SELECT st.display_name, api.issue_staff_token(st.id, make_interval(days => %s))"
        "  FROM seating.staff AS st WHERE lower(st.email) = lower(%s)",
        (ttl_days, email),
    ).fetchone()
    return (row[0], row[1]) if row else None


# --- the schema snapshot (sql/schema.sql, `make schema`) -------------------------------------

# Grants of an object with ACL `acl` (NULL: the default for its kind `k`), owner `owner`, named
# `target`, as GRANT statements; the owner's own privileges are left out (its name varies).
_GRANTS = """
SELECT string_agg(g.statement, E'\n' ORDER BY g.statement) FROM (
  SELECT format('GRANT %s ON {target} TO %s;',
                string_agg(x.privilege_type, ', ' ORDER BY x.privilege_type),
                CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(x.grantee)) END) AS statement
    FROM aclexplode(coalesce({acl}, acldefault({k}, {owner}))) AS x
   WHERE x.grantee <> {owner}
   GROUP BY x.grantee) AS g"""

_SCHEMA_GRANTS = _GRANTS.format(
    target="SCHEMA ' || quote_ident(s.nspname) || '", acl="n.nspacl", k="'n'", owner="n.nspowner"
)
_TABLE_GRANTS = _GRANTS.format(
    target="TABLE ' || c.oid::regclass::text || '", acl="c.relacl", k="'r'", owner="c.relowner"
)
_FUNCTION_GRANTS = _GRANTS.format(
    target="FUNCTION ' || p.oid::regprocedure::text || '", acl="p.proacl", k="'f'", owner="p.proowner"
)

# One row per object, (sort key, its statements), in a form that is the same on every PostgreSQL
# version the project runs on (15 and up): catalogue deparsers, never pg_dump's text. Sent without
# parameters, so psycopg leaves its % signs alone.
_SNAPSHOT_SQL = f"""
WITH schemas AS (SELECT oid, nspname FROM pg_namespace WHERE nspname IN ('api', 'seating')),
extension AS (
  SELECT '0 ' || e.extname, format('CREATE EXTENSION %I WITH SCHEMA %I;', e.extname, n.nspname)
    FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
   WHERE e.extname <> 'plpgsql' AND e.extname <> 'plpgsql_check'),
schema AS (
  SELECT '1 ' || s.nspname, concat_ws(E'\n', format('CREATE SCHEMA %I;', s.nspname),
         'COMMENT ON SCHEMA ' || quote_ident(s.nspname) || ' IS '
           || quote_literal(obj_description(s.oid, 'pg_namespace')) || ';',
         ({_SCHEMA_GRANTS}))
    FROM schemas AS s JOIN pg_namespace AS n ON n.oid = s.oid),
default_privileges AS (
  SELECT '2 ' || s.nspname || d.defaclobjtype::text,
         format('-- default privileges in schema %I on objects of kind %L: %s', s.nspname, d.defaclobjtype,
                (SELECT coalesce(string_agg(CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                                                 WHEN x.grantee = d.defaclrole THEN 'owner'
                                                 ELSE quote_ident(pg_get_userbyid(x.grantee)) END
                                            || ' ' || x.privilege_type, ', ' ORDER BY 1), 'none')
                   FROM aclexplode(d.defaclacl) AS x))
    FROM pg_default_acl AS d JOIN schemas AS s ON s.oid = d.defaclnamespace),
type AS (
  SELECT '3 ' || t.oid::regtype::text, concat_ws(E'\n',
         format(E'CREATE TYPE %s AS (\n%s\n);', t.oid::regtype,
                (SELECT string_agg(format('    %I %s', a.attname, format_type(a.atttypid, a.atttypmod)), E',\n'
                                   ORDER BY a.attnum)
                   FROM pg_attribute AS a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)),
         'COMMENT ON TYPE ' || t.oid::regtype::text || ' IS '
           || quote_literal(obj_description(t.oid, 'pg_type')) || ';')
    FROM pg_type AS t JOIN schemas AS s ON s.oid = t.typnamespace JOIN pg_class AS c ON c.oid = t.typrelid
   WHERE t.typtype = 'c' AND c.relkind = 'c'),
other_type AS (
  SELECT '3 ' || t.oid::regtype::text,
         CASE WHEN t.typtype = 'e' THEN format('CREATE TYPE %s AS ENUM (%s);', t.oid::regtype,
                (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                   FROM pg_enum AS e WHERE e.enumtypid = t.oid))
              ELSE format('-- type %s of kind %L', t.oid::regtype, t.typtype) END
    FROM pg_type AS t JOIN schemas AS s ON s.oid = t.typnamespace
   WHERE t.typtype IN ('e', 'd', 'r', 'm')),
relation AS (
  SELECT '4 ' || c.oid::regclass::text, concat_ws(E'\n',
         CASE WHEN c.relkind IN ('r', 'p') THEN format(E'CREATE TABLE %s (\n%s\n);', c.oid::regclass,
           (SELECT string_agg(format('    %I %s', a.attname, format_type(a.atttypid, a.atttypmod))
                              || CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY'
                                                    WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END
                              || CASE WHEN a.attgenerated = 's'
                                      THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED'
                                      WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid)
                                      ELSE '' END
                              || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END, E',\n' ORDER BY a.attnum)
              FROM pg_attribute AS a LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
              WHEN c.relkind IN ('v', 'm') THEN format(E'CREATE VIEW %s AS\n%s', c.oid::regclass, pg_get_viewdef(c.oid))
              ELSE format('-- relation %s of kind %L', c.oid::regclass, c.relkind) END,
         CASE WHEN c.relrowsecurity THEN format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY;', c.oid::regclass) END,
         (SELECT string_agg(format('ALTER TABLE %s ADD CONSTRAINT %I %s;', c.oid::regclass, k.conname,
                                   pg_get_constraintdef(k.oid)), E'\n' ORDER BY k.conname)
            FROM pg_constraint AS k WHERE k.conrelid = c.oid AND k.contype <> 'n'),
         (SELECT string_agg(pg_get_indexdef(i.indexrelid) || ';', E'\n' ORDER BY i.indexrelid::regclass::text)
            FROM pg_index AS i WHERE i.indrelid = c.oid
             AND NOT EXISTS (SELECT FROM pg_constraint AS k WHERE k.conindid = i.indexrelid AND k.conrelid = c.oid)),
         (SELECT string_agg(pg_get_triggerdef(t.oid) || ';', E'\n' ORDER BY t.tgname)
            FROM pg_trigger AS t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
         'COMMENT ON TABLE ' || c.oid::regclass::text || ' IS '
           || quote_literal(obj_description(c.oid, 'pg_class')) || ';',
         (SELECT string_agg(format('COMMENT ON COLUMN %s.%I IS %L;', c.oid::regclass, a.attname,
                                   col_description(c.oid, a.attnum)), E'\n' ORDER BY a.attnum)
            FROM pg_attribute AS a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             AND col_description(c.oid, a.attnum) IS NOT NULL),
         ({_TABLE_GRANTS}))
    FROM pg_class AS c JOIN schemas AS s ON s.oid = c.relnamespace
   WHERE c.relkind NOT IN ('i', 'I', 'c', 't') AND NOT (c.relkind = 'S' AND EXISTS (
         SELECT FROM pg_depend AS dep WHERE dep.objid = c.oid AND dep.deptype IN ('a', 'i')))),
function AS (
  SELECT '5 ' || p.oid::regprocedure::text, concat_ws(E'\n',
         rtrim(pg_get_functiondef(p.oid), E'\n') || ';',
         'COMMENT ON FUNCTION ' || p.oid::regprocedure::text || ' IS '
           || quote_literal(obj_description(p.oid, 'pg_proc')) || ';',
         ({_FUNCTION_GRANTS}))
    FROM pg_proc AS p JOIN schemas AS s ON s.oid = p.pronamespace)
SELECT * FROM extension UNION ALL SELECT * FROM schema UNION ALL SELECT * FROM default_privileges
 UNION ALL SELECT * FROM type UNION ALL SELECT * FROM other_type UNION ALL SELECT * FROM relation
 UNION ALL SELECT * FROM function
 ORDER BY 1
"""


def schema_snapshot(conn: psycopg.Connection) -> str:
    """The effective schema of the connected database as SQL-like text, one object after another
    in a fixed order: tables with their columns, constraints, indexes, triggers, comments and
    grants, then types and every function's definition (pg_get_functiondef). Only api and
    seating (and the extensions), never data, never the owner's name."""
    rows = conn.execute(_SNAPSHOT_SQL).fetchall()
    return "\n\n".join(statements for _, statements in rows) + "\n"


@contextmanager
def scratch_database(server_url: str, name: str) -> Iterator[str]:
    """A new empty database on the server of server_url (its owner's connection), dropped on
    exit; yields its URL."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield make_conninfo(server_url, dbname=name)
        finally:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- the HTTP app: one statement per request, token resolved inside it -----------------------


@dataclass
class _CallerShare:
    slots: asyncio.Semaphore
    users: int = 0


class Pool(AsyncConnectionPool[psycopg.AsyncConnection[DictRow]]):
    """The app's pool, carrying the one deadline every request's database work shares, and a
    share per caller: the requests of one bearer token hold at most half the connections at
    once. A host whose requests all wait on one locked table (or a client in a loop) thus leaves
    the other half to every other staff member and restaurant; their extra requests wait here,
    holding no connection, within their deadline."""

    def __init__(self, *args, request_deadline_seconds: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_deadline_seconds = request_deadline_seconds
        self.connections_per_caller = max(1, self.max_size // 2)
        self._callers: dict[bytes, _CallerShare] = {}

    @asynccontextmanager
    async def caller_share(self, caller: bytes, deadline: float) -> AsyncIterator[None]:
        """Wait (until deadline, loop time; else TimeoutError) for one of the caller's slots."""
        share = self._callers.get(caller)
        if share is None:
            share = self._callers[caller] = _CallerShare(asyncio.Semaphore(self.connections_per_caller))
        share.users += 1
        try:
            async with asyncio.timeout_at(deadline):
                await share.slots.acquire()
            try:
                yield
            finally:
                share.slots.release()
        finally:
            share.users -= 1
            if share.users == 0:  # idle callers cost no memory
                del self._callers[caller]


def create_pool(settings: Settings) -> Pool:
    """The app's pool. Connections run as the least-privilege role and autocommit, so each api
    call is exactly one transaction. A statement waits for a row lock at most lock_timeout_ms
    and never runs past the request's deadline (statement_timeout is a backstop for the
    cancellation _one sends at the deadline)."""

    async def configure(conn: psycopg.AsyncConnection) -> None:
        set_json_loads(msgspec.json.decode, conn)  # faster than json for the checks, most of a response
        await conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(APP_ROLE)))
        await conn.execute(
            "SELECT set_config('lock_timeout', %s, false), set_config('statement_timeout', %s, false)",
            (str(settings.lock_timeout_ms), str(settings.request_deadline_ms)),
        )

    return Pool(
        settings.database_url,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        timeout=settings.request_deadline_ms / 1000,
        kwargs={"autocommit": True, "row_factory": dict_row},
        configure=configure,
        open=False,
        name="seating",
        request_deadline_seconds=settings.request_deadline_ms / 1000,
    )


async def _one(pool: Pool, query: str, params: tuple, caller: bytes = b"") -> dict:
    """Run one api statement and return its one row (see _all)."""
    return (await _all(pool, query, params, caller))[0]


async def _all(pool: Pool, query: str, params: tuple, caller: bytes = b"") -> list[dict]:
    """Run one api statement within the request's deadline and return its rows: the wait for
    the caller's share and a free connection, the statement and its one retry together (at the
    deadline the statement is cancelled on the server and the connection goes back to the
    pool). A serialization failure, deadlock or lost connection is retried once (every api call
    is idempotent; a ticket redemption that committed before its connection dropped answers
    UNAUTHENTICATED on the retry, and the page asks for a new ticket); a lock or statement
    timeout is not.
    Errors: ApiError (mapped by app.errors; UNAVAILABLE, 503, for every timeout)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + pool.request_deadline_seconds
    try:
        async with pool.caller_share(caller, deadline):
            for attempt in (1, 2):
                try:
                    async with pool.connection(timeout=max(deadline - loop.time(), 0.001)) as conn:
                        async with asyncio.timeout_at(deadline):
                            return await (await conn.execute(query, params)).fetchall()
                except PoolTimeout:
                    raise errors.unavailable(
                        "No database connection became free within the request's deadline.", "deadline"
                    ) from None
                except psycopg.Error as error:
                    mapped = errors.from_database(error)
                    if mapped is None:
                        raise
                    if attempt == 1 and errors.retryable(error) and loop.time() < deadline:
                        continue
                    raise mapped from None
    except TimeoutError:
        raise errors.unavailable("The request did not finish within its deadline; retry shortly.", "deadline") from None
    raise AssertionError("unreachable")


async def create_session_hold(
    pool, token_hash: bytes, booking_id: UUID, table_ids: list[UUID], require_adjacency: bool | None
) -> dict:
    return await _one(
        pool,
        "SELECT * FROM api.create_session_hold(api.authenticate_staff(%s), %s, %s::uuid[], %s)",
        (token_hash, booking_id, table_ids, require_adjacency),
        token_hash,
    )


async def confirm_session(pool, token_hash: bytes, session_id: UUID) -> dict:
    return await _one(
        pool, "SELECT * FROM api.confirm_session(api.authenticate_staff(%s), %s)", (token_hash, session_id), token_hash
    )


async def cancel_session(pool, token_hash: bytes, session_id: UUID) -> dict:
    return await _one(
        pool, "SELECT * FROM api.cancel_session(api.authenticate_staff(%s), %s)", (token_hash, session_id), token_hash
    )


async def get_session(pool, token_hash: bytes, session_id: UUID) -> dict:
    return await _one(
        pool, "SELECT * FROM api.get_session(api.authenticate_staff(%s), %s)", (token_hash, session_id), token_hash
    )


async def get_assignment_context(pool, token_hash: bytes, booking_id: UUID) -> dict:
    return await _one(
        pool,
        "SELECT * FROM api.get_assignment_context(api.authenticate_staff(%s), %s)",
        (token_hash, booking_id),
        token_hash,
    )


async def list_bookings(pool, token_hash: bytes, restaurant_id: UUID, day: date) -> list[dict]:
    """Every booking of the restaurant's local day, one dict each (possibly none)."""
    return await _all(
        pool,
        "SELECT * FROM api.list_bookings(api.authenticate_staff(%s), %s, %s)",
        (token_hash, restaurant_id, day),
        token_hash,
    )


async def issue_event_ticket(pool, token_hash: bytes, restaurant_id: UUID) -> dict:
    return await _one(
        pool,
        "SELECT * FROM api.issue_event_ticket(api.authenticate_staff(%s), %s)",
        (token_hash, restaurant_id),
        token_hash,
    )


async def redeem_event_ticket(pool, restaurant_id: UUID, ticket: str) -> UUID:
    """The staff id the ticket was issued to; the ticket is used up (only its SHA-256 is sent)."""
    row = await _one(pool, "SELECT api.redeem_event_ticket(%s, %s) AS staff_id", (restaurant_id, token_hash(ticket)))
    return row["staff_id"]


async def suggest_tables(
    pool, token_hash: bytes, booking_id: UUID, limit: int, require_adjacency: bool | None
) -> list[dict]:
    return await _all(
        pool,
        "SELECT * FROM api.suggest_tables(api.authenticate_staff(%s), %s, %s, %s)",
        (token_hash, booking_id, limit, require_adjacency),
        token_hash,
    )


async def auto_assign(pool, token_hash: bytes, booking_id: UUID, require_adjacency: bool | None) -> dict:
    return await _one(
        pool,
        "SELECT * FROM api.auto_assign(api.authenticate_staff(%s), %s, %s)",
        (token_hash, booking_id, require_adjacency),
        token_hash,
    )


async def auto_assign_pending(
    pool, token_hash: bytes, restaurant_id: UUID, start: datetime, end: datetime
) -> list[dict]:
    return await _all(
        pool,
        "SELECT * FROM api.auto_assign_pending(api.authenticate_staff(%s), %s, %s, %s)",
        (token_hash, restaurant_id, start, end),
        token_hash,
    )


async def health(pool) -> dict:
    """Reachable, and migrated: the api functions exist."""
    return await _one(
        pool,
        "SELECT to_regprocedure('api.create_session_hold(uuid, uuid, uuid[], boolean)') IS NOT NULL AS migrated",
        (),
    )


# --- the demo restaurant ----------------------------------------------------------------------

DEMO_RESTAURANT_ID = "d0000000-0000-4000-8000-000000000001"


def load_demo(conn: psycopg.Connection, script: Path) -> bool:
    """Load the demo restaurant unless it is there; True when this call loaded it."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('seating.demo'))")
        if scalar(conn, "SELECT EXISTS (SELECT FROM seating.restaurants WHERE id = %s)", (DEMO_RESTAURANT_ID,)):
            return False
        conn.execute(script.read_text())
        return True


def issue_demo_tokens(conn: psycopg.Connection, ttl_days: int) -> list[tuple[str, str, str]]:
    """(name, role, new token valid for ttl_days) for every demo staff member."""
    return conn.execute(
        "SELECT st.display_name, m.role, api.issue_staff_token(st.id, make_interval(days => %s))"
        "  FROM seating.restaurant_memberships AS m JOIN seating.staff AS st ON st.id = m.staff_id"
        " WHERE m.restaurant_id = %s"
        " ORDER BY array_position(ARRAY['owner', 'manager', 'host', 'server'], m.role), st.display_name",
        (ttl_days, DEMO_RESTAURANT_ID),
    ).fetchall()


# --- operations and the migration path (DESIGN §13) -------------------------------------------


async def get_me(pool, token_hash: bytes) -> dict:
    return await _one(pool, "SELECT * FROM api.get_me(api.authenticate_staff(%s))", (token_hash,), token_hash)


async def get_legacy_context(pool, token_hash: bytes, booking_id: UUID) -> dict:
    return await _one(
        pool,
        "SELECT * FROM api.get_legacy_context(api.authenticate_staff(%s), %s)",
        (token_hash, booking_id),
        token_hash,
    )


async def legacy_validate(
    pool,
    token_hash: bytes,
    booking_id: UUID,
    table_ids: list[UUID],
    context_version: str,
    require_adjacency: bool | None,
) -> dict:
    return await _one(
        pool,
        "SELECT * FROM api.legacy_validate(api.authenticate_staff(%s), %s, %s::uuid[], %s, %s)",
        (token_hash, booking_id, table_ids, context_version, require_adjacency),
        token_hash,
    )


async def legacy_hold(
    pool,
    token_hash: bytes,
    booking_id: UUID,
    table_ids: list[UUID],
    context_version: str,
    require_adjacency: bool | None,
) -> dict:
    return await _one(
        pool,
        "SELECT * FROM api.legacy_hold(api.authenticate_staff(%s), %s, %s::uuid[], %s, %s)",
        (token_hash, booking_id, table_ids, context_version, require_adjacency),
        token_hash,
    )


async def legacy_confirm(pool, token_hash: bytes, hold_id: UUID, context_version: str | None) -> dict:
    return await _one(
        pool,
        "SELECT * FROM api.legacy_confirm(api.authenticate_staff(%s), %s, %s)",
        (token_hash, hold_id, context_version),
        token_hash,
    )


async def legacy_release_hold(pool, token_hash: bytes, hold_id: UUID) -> dict:
    return await _one(
        pool, "SELECT * FROM api.legacy_release_hold(api.authenticate_staff(%s), %s)", (token_hash, hold_id), token_hash
    )


async def staff_id(pool, token_hash: bytes) -> UUID:
    """The staff id of a token (given its SHA-256), for the request log (cached by the caller)."""
    return (await _one(pool, "SELECT api.authenticate_staff(%s) AS staff_id", (token_hash,), token_hash))["staff_id"]


async def session_counts(pool) -> dict[str, int] | None:
    """Active sessions by state, read at scrape time: {"PROPOSED": n, "HELD": n, "HELD_PAST_EXPIRY": n};
    None while the database cannot answer (a scrape still reports the app's own counters)."""
    try:
        async with pool.connection() as conn:
            rows = await (await conn.execute("SELECT status, sessions FROM api.get_session_counts()")).fetchall()
    except (PoolTimeout, psycopg.OperationalError):
        return None
    return {row["status"]: row["sessions"] for row in rows}


async def run_sweeper(pool, interval_seconds: float, retention_days: int | None) -> dict:
    """One sweeper tick (api.run_sweeper): whether it ran, sessions expired, rows purged."""
    async with pool.connection() as conn:
        return await (
            await conn.execute(
                "SELECT * FROM api.run_sweeper(%s, %s)", (max(1, round(interval_seconds)), retention_days)
            )
        ).fetchone()


def set_feature_flag(
    conn: psycopg.Connection, flag: str, enabled: bool | None, restaurant_id: str | None, staff: str | None
) -> None:
    """Set (or, enabled None, clear) a flag; staff is a staff id or an email."""
    conn.execute("SELECT api.set_feature_flag(%s, %s, %s, %s)", (flag, enabled, restaurant_id, _staff_id(conn, staff)))


def get_feature_flags(conn: psycopg.Connection, restaurant_id: str | None, staff: str | None) -> list[tuple]:
    """(flag, enabled, decided_by, overrides) rows as a staff member (id or email) in a restaurant sees them."""
    return conn.execute(
        "SELECT flag, enabled, decided_by, overrides FROM api.get_feature_flags(%s, %s)",
        (_staff_id(conn, staff), restaurant_id),
    ).fetchall()


def _staff_id(conn: psycopg.Connection, staff: str | None) -> str | None:
    """A staff id as given, or the id of the staff member with that email."""
    if staff is None or "@" not in staff:
        return staff
    row = conn.execute("SELECT st.id FROM seating.staff AS st WHERE lower(st.email) = lower(%s)", (staff,)).fetchone()
    if row is None:
        raise SystemExit(f"no staff member has the email {staff}")
    return str(row[0])
