"""A smoke run of every benchmark script with tiny sizes (the real run is `make bench`)."""

import os
import subprocess
import sys
from pathlib import Path

from app import migrations
from tests.conftest import SERVER

ROOT = Path(__file__).resolve().parent.parent


def test_benchmarks_run_end_to_end(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    env = {**os.environ, "DATABASE_URL": migrations.conninfo_url({**SERVER, "dbname": "postgres"})}
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = out.read_text()
    for section in ("## 1. SQL level", "## 2. HTTP level", "## 3. Contention", "## 4. Growth", "## 5. Round trips"):
        assert section in report
    assert "No double booking: met; zero 5xx: met; zero deadlocks: met." in report
