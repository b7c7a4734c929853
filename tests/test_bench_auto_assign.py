"""A smoke run of the automatic-assignment benchmark (the real run: python -m bench.auto_assign)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import migrations
from tests.conftest import SERVER

ROOT = Path(__file__).resolve().parent.parent


def test_auto_assign_benchmark_runs_and_never_beats_the_optimum():
    pytest.importorskip("pulp")
    env = {**os.environ, "DATABASE_URL": migrations.conninfo_url({**SERVER, "dbname": "postgres"})}
    done = subprocess.run(
        [sys.executable, "-m", "bench.auto_assign", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "seated / optimum" in done.stdout and "One create_session_hold" in done.stdout
