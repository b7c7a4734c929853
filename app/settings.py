"""Settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
APP_ROLE = "seating_app"


@dataclass(frozen=True)
class Settings:
    """README.md "Settings" documents each variable. A request waits for a row lock at most
    lock_timeout_ms, and for everything (a free connection, the statement, one retry) at most
    request_deadline_ms; then it is 503 UNAVAILABLE."""

    database_url: str | None
    pool_min_size: int
    pool_max_size: int
    lock_timeout_ms: int
    request_deadline_ms: int
    max_body_bytes: int
    token_ttl_days: int

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            pool_min_size=int(env.get("DB_POOL_MIN_SIZE", "2")),
            pool_max_size=int(env.get("DB_POOL_MAX_SIZE", "10")),
            lock_timeout_ms=int(env.get("DB_LOCK_TIMEOUT_MS", "2000")),
            request_deadline_ms=int(env.get("REQUEST_DEADLINE_MS", "5000")),
            max_body_bytes=int(env.get("MAX_BODY_BYTES", "16384")),
            token_ttl_days=int(env.get("TOKEN_TTL_DAYS", "30")),
        )
