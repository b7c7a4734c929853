"""Apply the schema: yoyo migrations, then every function file (yoyo skips its post-apply hook
when nothing is pending, so functions are re-applied here on every run)."""

from __future__ import annotations

from pathlib import Path

import psycopg
from yoyo import get_backend, read_migrations

from app import db
from app.settings import SQL_DIR

MIGRATIONS_DIR = SQL_DIR / "migrations"
FUNCTIONS_DIR = SQL_DIR / "functions"


def yoyo_url(database_url: str) -> str:
    """yoyo names its psycopg 3 driver in the URL scheme; libpq URLs work otherwise unchanged
    (a unix socket directory given as ?host=... is passed through to psycopg)."""
    scheme, sep, rest = database_url.partition("://")
    if not sep or scheme not in ("postgres", "postgresql"):
        raise ValueError("DATABASE_URL must be a postgresql:// URL")
    return f"postgresql+psycopg://{rest}"


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
