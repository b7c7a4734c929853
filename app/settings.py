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
    # Operations (DESIGN §13); defaults keep Settings(...) built by hand working.
    legacy_endpoints: bool = True
    sweep_interval_seconds: float = 30.0
    retention_days: int | None = 90
    request_log: bool = False

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
            legacy_endpoints=_on(env.get("LEGACY_ENDPOINTS", "on")),
            sweep_interval_seconds=float(env.get("SWEEP_INTERVAL_SECONDS", "30")),
            retention_days=_days(env.get("RETENTION_DAYS", "90")),
            request_log=_on(env.get("REQUEST_LOG", "off")),
        )


_OFF = {"off", "false", "0", "no"}


def _days(value: str) -> int | None:
    """RETENTION_DAYS: a whole number of days, or off (keep everything)."""
    return None if value.strip().lower() in _OFF else int(value)


def _on(value: str) -> bool:
    """on/off switches: off, false, 0 and no turn a setting off; anything else is on."""
    return value.strip().lower() not in _OFF
