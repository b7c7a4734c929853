"""The catalogue: least privilege, pinned search_path, documented functions and errors, and
keys that include restaurant_id (the Citus path)."""

import re
from pathlib import Path

import psycopg
import pytest

from app.errors import HTTP_ONLY_ERRORS, SQLSTATE_ERRORS
from app.settings import APP_ROLE
from tests.support import hold

APP_FUNCTIONS = {
    "create_session_hold",
    "confirm_session",
    "cancel_session",
    "get_session",
    "evaluate_selection",
    "get_assignment_context",
    # automatic assignment (DESIGN §12)
    "suggest_tables",
    "auto_assign",
    "auto_assign_pending",
    "expire_sessions",
    "authenticate_staff",
    # the staff page (DESIGN §11)
    "list_bookings",
    "issue_event_ticket",
    "redeem_event_ticket",
    # operations and the migration path (DESIGN §13)
    "get_me",
    "get_session_counts",
    "run_sweeper",
    "get_legacy_context",
    "legacy_validate",
    "legacy_hold",
    "legacy_confirm",
    "legacy_release_hold",
}
# Reference tables, the same for every restaurant (Citus: replicated, not distributed).
GLOBAL_TABLES = {"staff", "staff_tokens", "feature_flags", "sweeper_runs"}


def functions(conn):
    return conn.execute(
        "SELECT n.nspname, p.proname, p.oid::regprocedure::text, p.proconfig, p.proacl IS NULL,"
        "       EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee = 0),"
        "       has_function_privilege(%s, p.oid, 'EXECUTE'), p.prosecdef, obj_description(p.oid, 'pg_proc')"
        "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname IN ('api', 'seating') ORDER BY 1, 2",
        (APP_ROLE,),
    ).fetchall()


# One-expression SQL helpers the planner inlines into queries; SET search_path would stop that,
# so instead they name every operator and function fully and read no table.
INLINED_EXPRESSIONS = {"_hold_is_live", "_booking_is_closed", "_table_number_key", "_window_is_over"}


def test_every_function_pins_an_empty_search_path(conn):
    rows = functions(conn)
    assert len(rows) > 20
    assert [
        r[2] for r in rows if (r[3] is None or 'search_path=""' not in r[3]) and r[1] not in INLINED_EXPRESSIONS
    ] == []


def test_inlined_expressions_read_no_table_and_name_everything_fully(conn):
    rows = conn.execute(
        "SELECT p.proname, l.lanname, p.prosrc, p.proconfig FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
        " WHERE p.pronamespace = 'seating'::regnamespace AND p.proname = ANY (%s)",
        (list(INLINED_EXPRESSIONS),),
    ).fetchall()
    assert {r[0] for r in rows} == INLINED_EXPRESSIONS
    for name, language, source, config in rows:
        assert language == "sql" and config is None, name
        assert "FROM" not in source.upper() and "OPERATOR(pg_catalog." in source, name


def test_public_executes_nothing(conn):
    assert [r[2] for r in functions(conn) if r[4] or r[5]] == []


def test_app_role_executes_exactly_the_app_functions(conn):
    granted = {r[1] for r in functions(conn) if r[6]}
    assert granted == APP_FUNCTIONS


def test_only_api_functions_are_security_definer_and_all_are_documented(conn):
    rows = functions(conn)
    assert {r[1] for r in rows if r[7]} == {r[1] for r in rows if r[0] == "api"}
    assert [r[2] for r in rows if not r[8]] == []


def test_no_overloads(conn):
    names = [(r[0], r[1]) for r in functions(conn)]
    assert len(names) == len(set(names))


def test_app_role_cannot_touch_any_seating_table(conn):
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'seating' AND c.relkind = 'r'"
        )
    ]
    assert len(tables) >= 12
    for table in tables:
        assert not conn.execute(
            "SELECT has_table_privilege(%s, %s, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')", (APP_ROLE, table)
        ).fetchone()[0], table
    assert not conn.execute("SELECT has_schema_privilege(%s, 'seating', 'USAGE')", (APP_ROLE,)).fetchone()[0]


def test_app_role_works_through_the_functions_only(conn, floor):
    booking = floor.booking()
    conn.execute(f"SET ROLE {APP_ROLE}")
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM seating.bookings")
        session = hold(conn, floor.staff["Hana Host"], booking, floor.ids("T1"))
        assert session["status"] == "HELD"
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT api.issue_staff_token(%s)", (floor.staff["Hana Host"],))
    finally:
        conn.execute("RESET ROLE")


def test_every_key_of_a_restaurant_table_includes_restaurant_id(conn):
    rows = conn.execute(
        "SELECT c.relname, i.indexrelid::regclass::text,"
        "       EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'restaurant_id'"
        "               AND a.attnum = ANY (i.indkey))"
        "  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'seating' AND (i.indisunique OR i.indisexclusion) AND c.relname <> 'restaurants'"
    ).fetchall()
    assert rows
    assert [index for table, index, has in rows if table not in GLOBAL_TABLES and not has] == []


def test_every_error_code_raises_its_documented_sqlstate(conn):
    for sqlstate, (code, _status) in SQLSTATE_ERRORS.items():
        with pytest.raises(psycopg.Error) as info:
            conn.execute("SELECT seating._raise_error(%s, 'message')", (code,))
        assert info.value.diag.sqlstate == sqlstate
        assert info.value.diag.message_hint


def test_docs_list_exactly_the_codes_in_use():
    text = (Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text()
    sql_rows = {
        (code, state, int(status))
        for code, state, status in re.findall(r"^\| `([A-Z_]+)` \| `(SA\d{3})` \| (\d{3}) \|", text, re.M)
    }
    assert sql_rows == {(code, state, status) for state, (code, status) in SQLSTATE_ERRORS.items()}
    http_rows = {(code, int(status)) for code, status in re.findall(r"^\| `([A-Z_]+)` \| (\d{3}) \|", text, re.M)}
    assert http_rows == set(HTTP_ONLY_ERRORS.items())
