"""Apply the schema: yoyo migrations, then every function file (yoyo skips its post-apply hook
when nothing is pending, so functions are re-applied here on every run)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from psycopg.conninfo import conninfo_to_dict
from yoyo import get_backend, read_migrations

from app import db
from app.settings import SQL_DIR

MIGRATIONS_DIR = SQL_DIR / "migrations"
FUNCTIONS_DIR = SQL_DIR / "functions"


def conninfo_url(conninfo: str | dict, scheme: str = "postgresql") -> str:
    """Any libpq connection string or parameter dict as a URL, every parameter in the query
    (so a unix socket directory as host survives)."""
    params = conninfo if isinstance(conninfo, dict) else conninfo_to_dict(conninfo)
    params = {k: str(v) for k, v in params.items() if v is not None}
    dbname = params.pop("dbname", "")
    return f"{scheme}:///{quote(dbname, safe='')}?{urlencode(params)}"


def yoyo_url(database_url: str) -> str:
    """yoyo names its psycopg 3 driver in the URL scheme; it passes query parameters to psycopg."""
    return conninfo_url(database_url, scheme="postgresql+psycopg")


def function_files() -> list[Path]:
    return sorted(FUNCTIONS_DIR.glob("*.sql"))


def migrate(database_url: str) -> list[str]:
    """Apply pending migrations and re-apply all functions; returns the migration ids applied."""
    backend = get_backend(yoyo_url(database_url))
    try:
        with backend.lock():
            pending = backend.to_apply(read_migrations(str(MIGRATIONS_DIR)))
            backend.apply_migrations(pending)
    finally:
        backend.connection.close()
    with psycopg.connect(database_url, autocommit=True) as conn:
        db.apply_function_files(conn, function_files())
    return [m.id for m in pending]
