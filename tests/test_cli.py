"""The operator CLI (python -m app): migrate, demo, token issue, sweep."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support import expire_hold

ROOT = Path(__file__).resolve().parent.parent


def run(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": db_url}, timeout=120)


def test_migrate_is_idempotent(db_url):
    done = run(db_url, "migrate")
    assert done.returncode == 0, done.stderr
    assert "none pending" in done.stdout


def test_demo_loads_once_and_prints_working_tokens(db_url, conn):
    first = run(db_url, "demo")
    assert first.returncode == 0, first.stderr
    assert "demo restaurant loaded" in first.stdout
    second = run(db_url, "demo")
    assert "already there (reused)" in second.stdout
    assert conn.execute("SELECT count(*) FROM seating.restaurants WHERE name = 'Trattoria Demo'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM seating.table_inventory").fetchone()[0] == 12
    assert conn.execute("SELECT count(DISTINCT role) FROM seating.restaurant_memberships").fetchone()[0] == 4
    assert conn.execute("SELECT count(*) FROM seating.bookings WHERE status = 'confirmed'").fetchone()[0] >= 2
    token = next(line.split()[-1] for line in second.stdout.splitlines() if "Hana Host" in line)
    staff = conn.execute("SELECT api.authenticate_staff(%s)", (token,)).fetchone()[0]
    assert conn.execute("SELECT display_name FROM seating.staff WHERE id = %s", (staff,)).fetchone()[0] == "Hana Host"


def test_token_issue_and_sweep(db_url, conn):
    run(db_url, "demo")
    issued = run(db_url, "token", "issue", "--email", "HUGO@trattoria.example")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip().splitlines()[-1]
    assert conn.execute("SELECT api.authenticate_staff(%s) IS NOT NULL", (token,)).fetchone()[0]
    unknown = run(db_url, "token", "issue", "--email", "nobody@example.com")
    assert unknown.returncode != 0 and "no staff member" in unknown.stderr

    session = conn.execute(
        "SELECT id FROM api.create_session_hold('d0000000-0000-4000-8000-0000000002a3',"
        " 'd0000000-0000-4000-8000-000000000302', ARRAY['d0000000-0000-4000-8000-000000000104']::uuid[])").fetchone()[0]
    expire_hold(conn, session)
    assert run(db_url, "sweep").stdout.strip() == "expired sessions: 1"
    assert run(db_url, "sweep").stdout.strip() == "expired sessions: 0"


def test_commands_without_database_url_explain_themselves():
    done = subprocess.run([sys.executable, "-m", "app", "migrate"], cwd=ROOT, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, timeout=60)
    assert done.returncode != 0 and "DATABASE_URL is not set" in done.stderr
