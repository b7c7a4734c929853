"""The operator CLI (python -m app): migrate, demo, token issue, sweep, serve."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

from app.db import token_hash
from tests.support import expire_hold

ROOT = Path(__file__).resolve().parent.parent


def run(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": db_url},
        timeout=120,
    )


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
    staff = conn.execute("SELECT api.authenticate_staff(%s)", (token_hash(token),)).fetchone()[0]
    assert conn.execute("SELECT display_name FROM seating.staff WHERE id = %s", (staff,)).fetchone()[0] == "Hana Host"


def test_token_issue_and_sweep(db_url, conn):
    run(db_url, "demo")
    issued = run(db_url, "token", "issue", "--email", "HUGO@trattoria.example")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip().splitlines()[-1]
    assert conn.execute("SELECT api.authenticate_staff(%s) IS NOT NULL", (token_hash(token),)).fetchone()[0]
    unknown = run(db_url, "token", "issue", "--email", "nobody@example.com")
    assert unknown.returncode != 0 and "no staff member" in unknown.stderr

    session = conn.execute(
        "SELECT id FROM api.create_session_hold('d0000000-0000-4000-8000-0000000002a3',"
        " 'd0000000-0000-4000-8000-000000000302', ARRAY['d0000000-0000-4000-8000-000000000104']::uuid[])"
    ).fetchone()[0]
    expire_hold(conn, session)
    assert run(db_url, "sweep").stdout.strip() == "expired sessions: 1"
    assert run(db_url, "sweep").stdout.strip() == "expired sessions: 0"


def test_commands_without_database_url_explain_themselves():
    done = subprocess.run(
        [sys.executable, "-m", "app", "migrate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        timeout=60,
    )
    assert done.returncode != 0 and "DATABASE_URL is not set" in done.stderr


def listening_sockets(pid: int, port: int) -> set[int]:
    """Inodes of the TCP sockets that process pid listens on at port (Linux /proc)."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                listening.add(int(fields[9]))
    return listening & {
        int(link[len("socket:[") : -1])
        for link in map(_link, Path(f"/proc/{pid}/fd").iterdir())
        if link.startswith("socket:[")
    }


def _link(fd: Path) -> str:
    """Where a file descriptor points; "" when it was closed meanwhile (the workers open and close
    files and connections while the test looks)."""
    try:
        return os.readlink(fd)
    except FileNotFoundError:
        return ""


def listening_workers(server_pid: int, port: int) -> list[psutil.Process]:
    """The server's child processes that listen on port."""
    return [w for w in psutil.Process(server_pid).children() if listening_sockets(w.pid, port)]


def announced_port(server: subprocess.Popen[str]) -> int:
    """The port `serve --port 0 --workers 2` picked, from the first line it prints."""
    assert server.stdout is not None, "start the server with stdout=subprocess.PIPE"
    line = server.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+) with 2 workers", line)
    assert found is not None, line
    return int(found.group(1))


def serve_two_workers(db_url: str, stderr: int = subprocess.DEVNULL) -> subprocess.Popen[str]:
    """`python -m app serve --port 0 --workers 2`, started (stop it with terminate or kill)."""
    environment = {k: v for k, v in {**os.environ, "DATABASE_URL": db_url}.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    return subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", "0", "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=environment,
    )


def both_workers_listening(server: subprocess.Popen[str], port: int, deadline: float) -> None:
    """One worker answering is not both listening: the other may still be starting, and the
    connections would all go to the first (a race in the test, not in the server)."""
    while len(listening_workers(server.pid, port)) < 2:
        assert time.monotonic() < deadline, "the workers did not start listening"
        time.sleep(0.1)


def test_serve_spreads_keep_alive_connections_over_its_workers(db_url):
    """Hosts' devices (or a proxy) open their keep-alive connections in a burst; each worker must
    get its share, not whichever woke first all of them."""
    server = serve_two_workers(db_url)
    clients: list[socket.socket] = []
    try:
        port = announced_port(server)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
        both_workers_listening(server, port, deadline)
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
        for client in clients:
            client.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        for client in clients:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
        workers = listening_workers(server.pid, port)
        # each worker listens on a socket of its own (SO_REUSEPORT), so the kernel, not a race
        # between the workers' accept calls, decides where a connection goes
        assert len(workers) == 2
        assert not listening_sockets(workers[0].pid, port) & listening_sockets(workers[1].pid, port)
        served = [
            sum(1 for c in w.net_connections(kind="tcp") if c.status == "ESTABLISHED" and c.laddr.port == port)
            for w in workers
        ]
        assert sum(served) == 16 and min(served) > 0, served
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(timeout=30)


def test_flag_set_and_show(db_url, conn):
    run(db_url, "demo")
    restaurant = "d0000000-0000-4000-8000-000000000001"
    flag = "use-new-manual-assignment-flow"
    assert run(db_url, "flag", "set", flag, "off").returncode == 0
    done = run(db_url, "flag", "set", flag, "on", "--restaurant", restaurant)
    assert done.returncode == 0, done.stderr
    assert run(db_url, "flag", "set", flag, "off", "--staff", "HANA@trattoria.example").returncode == 0
    shown = run(db_url, "flag", "show", "--restaurant", restaurant).stdout
    assert f"{flag}: on (decided by: restaurant)" in shown
    shown = run(db_url, "flag", "show", "--restaurant", restaurant, "--staff", "hana@trattoria.example").stdout
    assert f"{flag}: off (decided by: staff)" in shown
    assert run(db_url, "flag", "show").stdout.startswith(f"{flag}: off (decided by: global)")
    unknown = run(db_url, "flag", "set", "no-such-flag", "on")
    assert unknown.returncode != 0 and "no feature flag" in unknown.stderr
    assert run(db_url, "flag", "set", flag, "inherit").returncode != 0  # the global default is on or off


def test_metrics_count_every_worker_once(db_url):
    """Two workers each serve some of the requests; any one scrape reports all of them."""
    server = serve_two_workers(db_url)
    clients: list[socket.socket] = []
    try:
        port = announced_port(server)
        deadline = time.monotonic() + 60
        both_workers_listening(server, port, deadline)
        # 16 connections spread over both workers (SO_REUSEPORT), one /health each
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
        for client in clients:
            client.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        for client in clients:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
        served = [
            sum(1 for c in w.net_connections(kind="tcp") if c.status == "ESTABLISHED" and c.laddr.port == port)
            for w in listening_workers(server.pid, port)
        ]
        assert min(served) > 0, served  # both workers counted some
        for _ in range(4):  # whichever worker answers, the totals are the same
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                text = response.read().decode()
            line = next(
                row
                for row in text.splitlines()
                if row.startswith("seating_http_requests_total{") and 'route="/health"' in row
            )
            assert float(line.rsplit(" ", 1)[1]) == 16.0, line
            assert 'seating_sessions{status="HELD"}' in text
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(timeout=30)


def test_a_stop_signal_ends_open_event_streams_at_once(db_url, conn):
    """uvicorn waits for open responses before it stops the app: an exit signal must end the
    event streams itself, or every stop would wait out the graceful timeout and cancel them."""
    run(db_url, "demo")
    token = run(db_url, "token", "issue", "--email", "hana@trattoria.example").stdout.strip().splitlines()[-1]
    restaurant = conn.execute("SELECT id FROM seating.restaurants WHERE name = 'Trattoria Demo'").fetchone()[0]
    server = serve_two_workers(db_url, stderr=subprocess.PIPE)
    streams: list[socket.socket] = []
    try:
        port = announced_port(server)
        deadline = time.monotonic() + 60
        both_workers_listening(server, port, deadline)
        for _ in range(4):  # whichever workers they land on
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/staff/restaurants/{restaurant}/event-tickets",
                method="POST",
                headers={"Authorization": f"Bearer {token}"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                ticket = re.search(r'"ticket":"([^"]+)"', response.read().decode())
            assert ticket is not None
            stream = socket.create_connection(("127.0.0.1", port), timeout=30)
            stream.sendall(
                f"GET /api/staff/restaurants/{restaurant}/events?ticket={ticket.group(1)} HTTP/1.1\r\n"
                "Host: localhost\r\n\r\n".encode()
            )
            received = b""
            while b"event: ready" not in received:  # the headers and the first event may come apart
                chunk = stream.recv(65536)
                assert chunk, received
                received += chunk
            streams.append(stream)

        server.terminate()
        for stream in streams:
            received = b""
            while chunk := stream.recv(65536):
                received += chunk
            assert received.endswith(b"0\r\n\r\n"), received[-200:]  # the response ended, not cut
        assert server.wait(timeout=60) == 0
        assert server.stderr is not None
        log = server.stderr.read()
        assert "graceful shutdown exceeded" not in log and "CancelledError" not in log, log[-2000:]
    finally:
        for stream in streams:
            stream.close()
        if server.poll() is None:
            server.kill()
