"""A smoke run of every benchmark script with tiny sizes (the real run is `make bench`).

Marked `bench`: left out of a plain `pytest` / `make test` (see pyproject.toml), run with
`pytest -m bench` (`.ci/run` does, after the suite)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import migrations
from tests.conftest import SERVER

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.bench


def test_benchmarks_run_end_to_end(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    env = {**os.environ, "DATABASE_URL": migrations.conninfo_url({**SERVER, "dbname": "postgres"})}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = out.read_text()
    for section in (
        "## 1. SQL level",
        "## 2. HTTP level",
        "## 3. Contention",
        "## 4. Growth",
        "## 5. Round trips",
        "## 6. Work per call",
    ):
        assert section in report
    assert "No double booking: met; zero 5xx: met; zero deadlocks: met." in report


# The engine's window helper, made heavier: every hold and confirm calls it.
HEAVIER_WINDOW = """
CREATE OR REPLACE FUNCTION seating._booking_window(
    p_start_at timestamptz, p_end_at timestamptz, p_turnover_buffer_minutes integer)
RETURNS tstzrange LANGUAGE plpgsql IMMUTABLE SET search_path = '' AS $$
BEGIN
    PERFORM count(*) FROM generate_series(1, 20000);
    RETURN tstzrange(p_start_at, p_end_at + make_interval(mins => p_turnover_buffer_minutes), '[)');
END;
$$;
"""


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="instruction counts need valgrind (.ci/run installs it)")
def test_instruction_counts_tell_a_heavier_function_apart(tmp_path):
    heavier = tmp_path / "heavier.sql"
    heavier.write_text(HEAVIER_WINDOW)
    done = subprocess.run(
        [sys.executable, "-m", "bench.instructions", "--smoke", "--b", str(heavier)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = {cells[0]: cells[1:] for line in done.stdout.splitlines() if len(cells := line.split(" | ")) > 1}
    tpcb = float(rows["tpcb-like (reference, scale 1)"][0])
    for workload in ("create_session_hold", "confirm_session", "hold + confirm"):
        a, b, ratio = (float(cell) for cell in rows[workload])
        # the backend counted is the one that made the calls (pgbench opens another one first, to
        # look around): a call is more work than a tpcb-like transaction, even with the
        # connection's start spread over the few calls of a smoke run
        assert a > 1.5 * tpcb > 0, (workload, a, tpcb)
        assert b > 1.2 * a, (workload, a, b)
        assert ratio == pytest.approx(b / a, abs=0.001)


def test_server_comparison_runs_end_to_end():
    env = {**os.environ, "DATABASE_URL": migrations.conninfo_url({**SERVER, "dbname": "postgres"})}
    done = subprocess.run(
        [sys.executable, "-m", "bench.servers", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = {
        cells[0]: cells
        for line in done.stdout.splitlines()
        if line.startswith("| ") and len(cells := [c.strip() for c in line.strip("|").split("|")]) > 5
    }
    for server in ("uvicorn", "granian"):
        assert rows[server][-1] == "0", rows[server]  # no 5xx
        assert float(rows[server][1].split()[0].replace(",", "")) > 0, rows[server]  # assignments were made


def test_live_benchmark_runs_and_keeps_the_other_sections(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    out.write_text(
        "# Benchmarks\n\n## 7. Kept\n\nseven\n\n## 8. Live updates: old\n\nold figures\n\n## Notes\n\nkept\n"
    )
    env = {**os.environ, "DATABASE_URL": migrations.conninfo_url({**SERVER, "dbname": "postgres"})}
    done = subprocess.run(
        [sys.executable, "-m", "bench.live", "--smoke", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = out.read_text()
    assert "old figures" not in report
    assert report.index("## 7. Kept") < report.index("## 8. Live updates") < report.index("## Notes\n\nkept")
    # every stream got exactly its restaurant's changes, once each, over one listener per worker
    assert "| 10/10 | 0 |" in report
    assert "Events on a stream of another restaurant: 0." in report
    assert "2 LISTEN connections for 2 workers (met)" in report
    if shutil.which("chromium"):
        assert "| changes | p50 ms | p99 ms |" in report
    else:
        assert "Skipped: Chromium is missing" in report
    assert "| POST session: a hold (`api.create_session_hold`) |" in report
