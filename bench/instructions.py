"""Instructions per call: python -m bench.instructions [--smoke] [--calls N] [--b FILE ...]

Counts the instructions one backend executes per `create_session_hold`, per `confirm_session`
and per hold + confirm of a free table (the pgbench scripts of bench/pgbench, one client, a fixed
seed), on a private PostgreSQL run under valgrind's callgrind. Unlike a throughput figure, the
count does not move with the machine's other load: it repeats to about 0.1 %, so it tells two
versions of a function apart where timings on a shared machine cannot. With --b, a twin database
built the same way gets the given SQL files applied on top (say, a changed function) and both are
counted side by side.

Needs valgrind and PostgreSQL's server binaries (--bindir, else `pg_config --bindir`, else the
embedded ones). As root, the server runs as the `postgres` user (else an unprivileged one).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg

from bench.common import HERE, build_chain, free_port, matched, server_bindir, server_user, server_version


@dataclass(frozen=True)
class Sizes:
    restaurants: int
    tables: int
    calls: int
    tpcb_scale: int


FULL = Sizes(restaurants=200, tables=50, calls=600, tpcb_scale=10)
SMOKE = Sizes(restaurants=5, tables=6, calls=20, tpcb_scale=1)

# Each workload: pgbench arguments, and whether held sessions must be prepared first. The
# reference is pgbench's own tpcb-like, counted the same way on its own database.
TPCB = ["-b", "tpcb-like", "--random-seed=3"]
WORKLOADS = {
    "create_session_hold": (["-f", str(HERE / "pgbench/hold.sql"), "--random-seed=7"], False),
    "confirm_session": (["-f", str(HERE / "pgbench/confirm.sql")], True),
    "hold + confirm": (["-f", str(HERE / "pgbench/assign.sql"), "--random-seed=11"], False),
}


class Server:
    """A throwaway cluster in a temporary directory, started plainly or under callgrind."""

    def __init__(self, bindir: Path, workdir: Path):
        self.bindir, self.workdir = bindir, workdir
        self.data, self.dumps = workdir / "data", workdir / "callgrind"
        self.port = free_port()
        self.user = server_user()
        self.uid: int | None = self.user.pw_uid if self.user else None
        self.gid: int | None = self.user.pw_gid if self.user else None
        self.process: subprocess.Popen | None = None

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def run(self, *command: str) -> None:
        subprocess.run(command, check=True, capture_output=True, user=self.uid, group=self.gid)

    def init(self) -> None:
        self.dumps.mkdir()
        if self.user:
            for path in (self.workdir, self.dumps):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self.run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        settings = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.workdir}'",
            # nothing else at work while counting: no autovacuum, no parallel workers
            "autovacuum": "off",
            "max_parallel_workers_per_gather": 0,
            "fsync": "off",
            "max_wal_size": "'4GB'",
            "checkpoint_timeout": "'1h'",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self, *, callgrind: bool) -> None:
        command = [str(self.bindir / "postgres"), "-D", str(self.data)]
        if callgrind:
            command = [
                "valgrind",
                "--tool=callgrind",
                "--trace-children=yes",
                f"--callgrind-out-file={self.dumps}/callgrind.%p",
                *command,
            ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, user=self.uid, group=self.gid
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=5).close()
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not start: {' '.join(command)}") from None
                time.sleep(0.5)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: smart shutdown, no new work
            self.process.wait(timeout=120)
        self.process = None

    def backend_dump(self, pid: int, timeout: float = 120) -> int:
        """Instructions a backend executed, from the dump callgrind writes when it exits."""
        path = self.dumps / f"callgrind.{pid}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path.exists():
                found = re.search(r"^(?:totals|summary): (\d+)", path.read_text(errors="replace"), re.MULTILINE)
                if found:
                    return int(found.group(1))
            time.sleep(0.2)
        raise RuntimeError(f"no callgrind dump for backend {pid}")


@contextmanager
def private_server(bindir: Path) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="seating-callgrind-") as workdir:
        server = Server(bindir, Path(workdir))
        server.init()
        try:
            yield server
        finally:
            server.stop()


def create_database(server: Server, dbname: str) -> str:
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return server.url(dbname)


def build(server: Server, dbname: str, sizes: Sizes, extra_sql: list[Path]) -> None:
    url = create_database(server, dbname)
    build_chain(url, sizes.restaurants, sizes.tables)
    with psycopg.connect(url, autocommit=True) as conn:
        for path in extra_sql:
            conn.execute(path.read_text())
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def count(server: Server, dbname: str, sizes: Sizes, args: list[str], needs_holds: bool = False) -> float:
    """Instructions per call (pgbench transaction), in millions, for one workload on one database.
    They include the connection's start, spread over the calls."""
    url = server.url(dbname)
    with psycopg.connect(url, autocommit=True) as watcher:
        if needs_holds:
            watcher.execute("SELECT bench.prepare_holds(%s, %s, %s)", (sizes.restaurants, sizes.tables, sizes.calls))
        command = [
            str(server.bindir / "pgbench"),
            "-n",
            "-M",
            "prepared",
            "-c",
            "1",
            "-j",
            "1",
            "-t",
            str(sizes.calls),
            "-D",
            f"restaurants={sizes.restaurants}",
            "-D",
            f"tables={sizes.tables}",
            *args,
            url,
        ]
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # pgbench's backends, seen while it works (under valgrind a run takes seconds at least).
        # pgbench opens a first connection of its own to look around before its client connects,
        # so every backend it opens is noted, and the one that did the calls is the busiest.
        pids: set[int] = set()
        while run.poll() is None:
            pids.update(
                pid
                for (pid,) in watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench'"
                    " AND datname = current_database()"
                )
            )
            time.sleep(0.05)
        out, err = run.communicate()
    if run.returncode != 0:
        raise RuntimeError(f"pgbench failed ({' '.join(args)}, {dbname}):\n{out[-2000:]}{err[-2000:]}")
    if not pids:
        raise RuntimeError("pgbench finished before its backend was seen")
    processed = int(matched(r"actually processed: (\d+)", out))
    return max(server.backend_dump(pid) for pid in pids) / processed / 1e6


def measure(sizes: Sizes, bindir: Path, databases: dict[str, list[Path]]) -> tuple[float, dict[str, dict[str, float]]]:
    """Millions of backend instructions per call: tpcb-like's, and each workload's on each database
    (name -> SQL files applied on top of the chain)."""
    with private_server(bindir) as server:
        server.start(callgrind=False)
        for dbname, extra_sql in databases.items():
            build(server, dbname, sizes, extra_sql)
        subprocess.run(
            [str(bindir / "pgbench"), "-i", "-q", "-s", str(sizes.tpcb_scale), create_database(server, "tpcb")],
            check=True,
            capture_output=True,
        )
        server.stop()
        server.start(callgrind=True)
        tpcb = count(server, "tpcb", sizes, TPCB)
        results = {
            workload: {dbname: count(server, dbname, sizes, *WORKLOADS[workload]) for dbname in databases}
            for workload in WORKLOADS
        }
    return tpcb, results


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.instructions", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script runs")
    parser.add_argument("--calls", type=int, help="calls per workload (default 600; smoke 20)")
    parser.add_argument(
        "--b",
        type=Path,
        nargs="+",
        default=[],
        metavar="FILE",
        help="SQL files applied to a twin database, counted beside the plain one",
    )
    parser.add_argument("--bindir", help="PostgreSQL's server binaries")
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else FULL
    if args.calls:
        sizes = replace(sizes, calls=args.calls)
    if sizes.calls > sizes.restaurants * sizes.tables:
        raise SystemExit(f"at most {sizes.restaurants * sizes.tables} calls: one held session per table to confirm")
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    bindir = server_bindir(args.bindir)
    version = server_version(bindir)
    databases = {"a": [], **({"b": args.b} if args.b else {})}

    tpcb, results = measure(sizes, bindir, databases)

    print(
        f"{version}; {sizes.restaurants} restaurants x {sizes.tables} tables; {sizes.calls} calls per workload,"
        " one client; backend instructions per call, in millions"
    )
    header = ["workload", "a"] + (["b", "b / a"] if args.b else [])
    print(" | ".join(header))
    print(f"tpcb-like (reference, scale {sizes.tpcb_scale}) | {tpcb:.3f}")
    for workload, by_db in results.items():
        row = [workload, f"{by_db['a']:.3f}"]
        if args.b:
            row += [f"{by_db['b']:.3f}", f"{by_db['b'] / by_db['a']:.3f}"]
        print(" | ".join(row))


if __name__ == "__main__":
    main()
