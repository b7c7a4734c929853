"""sql/schema.sql, the schema snapshot, is what the migrations and function files build: a change
to either shows there, in the same commit, for review."""

import difflib

from app import migrations

REGENERATE = "sql/schema.sql is out of date: run `make schema` and commit it"


def test_snapshot_matches_the_migrated_schema(conn):
    # conn's database is a clone of the template that app.migrations.migrate built for this run.
    committed = migrations.SCHEMA_SNAPSHOT.read_text()
    actual = migrations.schema_snapshot(conn)
    if actual != committed:
        diff = difflib.unified_diff(
            committed.splitlines(),
            actual.splitlines(),
            "sql/schema.sql (committed)",
            "migrated database",
            lineterm="",
            n=1,
        )
        raise AssertionError(f"{REGENERATE}. Difference:\n" + "\n".join(list(diff)[:80]))


def test_snapshot_shows_a_change_to_a_table_a_function_or_a_grant(conn):
    before = migrations.schema_snapshot(conn)
    changes = [
        "ALTER TABLE seating.bookings ADD COLUMN note text",
        "CREATE OR REPLACE FUNCTION seating._booking_is_closed(p_status text) RETURNS boolean"
        " LANGUAGE sql IMMUTABLE AS $$ SELECT p_status OPERATOR(pg_catalog.=) 'completed' $$",
        "GRANT EXECUTE ON FUNCTION api.check_integrity() TO seating_app",
    ]
    for change in changes:
        conn.execute(change)
        after = migrations.schema_snapshot(conn)
        assert after != before, change
        before = after
