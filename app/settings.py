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
    database_url: str | None
    pool_min_size: int
    pool_max_size: int
    pool_timeout_seconds: float
    statement_timeout_ms: int
    max_body_bytes: int
    event_queue_size: int = 64
    event_keepalive_seconds: float = 15.0

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            pool_min_size=int(env.get("DB_POOL_MIN_SIZE", "2")),
            pool_max_size=int(env.get("DB_POOL_MAX_SIZE", "10")),
            pool_timeout_seconds=float(env.get("DB_POOL_TIMEOUT_SECONDS", "5")),
            statement_timeout_ms=int(env.get("DB_STATEMENT_TIMEOUT_MS", "5000")),
            max_body_bytes=int(env.get("MAX_BODY_BYTES", "16384")),
            event_queue_size=int(env.get("EVENT_QUEUE_SIZE", "64")),
            event_keepalive_seconds=float(env.get("EVENT_KEEPALIVE_SECONDS", "15")),
        )
