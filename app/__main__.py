"""Operator commands: python -m app {migrate,serve,demo,token,sweep,dev,flag,psql,schema}."""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import cast

import psycopg

from app import db, listener, migrations, pgserver
from app.settings import PROJECT_ROOT, SQL_DIR, Settings

DEMO_BOOKING = "d0000000-0000-4000-8000-000000000302"  # Alan Turing, party of 4, in sql/demo.sql
DEMO_TABLE = "d0000000-0000-4000-8000-000000000104"  # table 4, seats 4


def _database_url(settings: Settings) -> str:
    if not settings.database_url:
        sys.exit("DATABASE_URL is not set (a libpq URL, e.g. postgresql://user@host:5432/dbname)")
    return settings.database_url


def _tool_database_url(settings: Settings) -> str:
    """DATABASE_URL, else the embedded PostgreSQL of a running `make run` (its .pgdata/)."""
    if not settings.database_url:
        url = pgserver.running_dev_url()
        if url:
            print(
                f"(DATABASE_URL is unset: using the embedded PostgreSQL of make run in {pgserver.DEV_DATA_DIR.name}/)",
                file=sys.stderr,
            )
            return url
    return _database_url(settings)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    applied = migrations.migrate(_database_url(settings))
    print(f"migrations applied: {', '.join(applied) or 'none pending'}; functions re-applied")


def cmd_schema(args: argparse.Namespace, settings: Settings) -> None:
    """Regenerate sql/schema.sql from a scratch database: on DATABASE_URL's server, else on a
    throwaway embedded one."""
    path = migrations.write_schema_snapshot(settings.database_url or pgserver.start_throwaway())
    print(f"wrote {path.relative_to(PROJECT_ROOT)}")


def cmd_sweep(args: argparse.Namespace, settings: Settings) -> None:
    with psycopg.connect(_tool_database_url(settings), autocommit=True) as conn:
        print(f"expired sessions: {db.expire_sessions(conn)}")


def cmd_token_issue(args: argparse.Namespace, settings: Settings) -> None:
    with psycopg.connect(_tool_database_url(settings), autocommit=True) as conn:
        issued = db.issue_token_by_email(conn, args.email, settings.token_ttl_days)
    if issued is None:
        sys.exit(f"no staff member has the email {args.email}")
    print(f"# bearer token for {issued[0]} (shown once, valid {settings.token_ttl_days} days)\n{issued[1]}")


def cmd_flag_set(args: argparse.Namespace, settings: Settings) -> None:
    enabled = {"on": True, "off": False, "inherit": None}[args.value]
    if enabled is None and not (args.restaurant or args.staff):
        sys.exit("only an override (--restaurant, --staff) can be cleared; the global default is on or off")
    with psycopg.connect(_tool_database_url(settings), autocommit=True) as conn:
        try:
            db.set_feature_flag(conn, args.flag, enabled, args.restaurant, args.staff)
        except psycopg.Error as error:
            sys.exit(f"{error.diag.message_primary or error}")
    scope = (
        " ".join(
            filter(None, [args.restaurant and f"restaurant {args.restaurant}", args.staff and f"staff {args.staff}"])
        )
        or "global default"
    )
    print(f"{args.flag}: {args.value} ({scope})")


def cmd_flag_show(args: argparse.Namespace, settings: Settings) -> None:
    with psycopg.connect(_tool_database_url(settings), autocommit=True) as conn:
        try:
            rows = db.get_feature_flags(conn, args.restaurant, args.staff)
        except psycopg.Error as error:
            sys.exit(f"{error.diag.message_primary or error}")
    for flag, enabled, decided_by, overrides in rows:
        print(f"{flag}: {'on' if enabled else 'off'} (decided by: {decided_by})")
        for override in overrides:
            scope = ", ".join(f"{k} {v}" for k, v in override.items() if k in ("restaurantId", "staffId") and v)
            print(f"  override {'on' if override['enabled'] else 'off'}: {scope}")


def cmd_psql(args: argparse.Namespace, settings: Settings) -> None:
    """psql on DATABASE_URL, else on the embedded PostgreSQL of a running `make run`."""
    url = _tool_database_url(settings)
    os.execvp("psql", ["psql", url, *args.psql_args])


def cmd_demo(args: argparse.Namespace, settings: Settings) -> None:
    with psycopg.connect(_database_url(settings), autocommit=True) as conn:
        loaded = db.load_demo(conn, SQL_DIR / "demo.sql")
        tokens = db.issue_demo_tokens(conn, settings.token_ttl_days)
    print("demo restaurant loaded" if loaded else "demo restaurant already there (reused)")
    base = f"http://{args.host}:{args.port}"
    print(
        f"\nBearer tokens for the demo staff (new ones each run, valid {settings.token_ttl_days} days),"
        " and a sign-in link to the staff page:"
    )
    for name, role, token in tokens:
        print(f"  {name:<14} {role:<8} {token}")
        print(f"  {'':<14} {'':<8} {base}/staff#token={token}")
    host_token = next(token for _, role, token in tokens if role == "host")
    print(f"""
Try it (as a host):
  curl -s {base}/api/staff/bookings/{DEMO_BOOKING}/assignment-context -H 'Authorization: Bearer {host_token}'
  curl -s -X POST {base}/api/staff/manual/session -H 'Authorization: Bearer {host_token}' \\
       -H 'Content-Type: application/json' -d '{{"bookingId": "{DEMO_BOOKING}", "tableIds": ["{DEMO_TABLE}"]}}'
Staff page (floor plan, live): open a sign-in link above, or {base}/staff?booking={DEMO_BOOKING}
OpenAPI docs: {base}/schema
""")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    os.environ["DATABASE_URL"] = _database_url(settings)
    # Read by every worker's app: the JSON request log (app/logs.py) replaces uvicorn's access log,
    # and the metrics of all workers meet in one directory (app/metrics.py).
    os.environ["REQUEST_LOG"] = "on" if args.access_log else "off"
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_directory()
    config = uvicorn.Config(
        "app.http:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    if args.workers <= 1:
        uvicorn.Server(config).run()
        return
    # The port is bound here first: a clear error if it is taken, and port 0 picks one port for all.
    # Where SO_REUSEPORT exists this socket only holds the port: each worker listens on one of its
    # own (listener.WorkerListener). Elsewhere the workers share it.
    reserved = listener.tcp_socket(args.host, args.port)
    port = reserved.getsockname()[1]
    listening = reserved
    if hasattr(socket, "SO_REUSEPORT"):
        # uvicorn's supervisor only hands its sockets to the workers, which unpickle this as one.
        listening = cast(socket.socket, listener.WorkerListener(args.host, port))
    print(f"serving on http://{args.host}:{port} with {args.workers} workers", flush=True)
    Multiprocess(config, sockets=[listening]).run()


def metrics_directory() -> str:
    """PROMETHEUS_MULTIPROC_DIR for this server's workers, emptied (counts restart with the server):
    the one given in the environment, else a temporary one removed at exit."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        return str(directory)
    temporary = tempfile.mkdtemp(prefix="seating-metrics-")
    atexit.register(shutil.rmtree, temporary, ignore_errors=True)
    return temporary


def cmd_dev(args: argparse.Namespace, settings: Settings) -> None:
    """What `make run` does: PostgreSQL (embedded unless DATABASE_URL), migrate, demo, serve."""
    if args.port:  # before anything starts: a port in use (a second `make run`?) fails at once
        probe = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            with probe:
                probe.bind((args.host, args.port))
        except OSError as error:
            sys.exit(
                f"{args.host}:{args.port} is not free ({error.strerror}): is `make run` already running? "
                "Stop it, or choose another port: make run PORT=8001"
            )
    if not settings.database_url:
        shared = pgserver.running_dev_url() is not None  # another `make run` started it
        print(
            f"using the embedded PostgreSQL that is running in {pgserver.DEV_DATA_DIR.name}/ (stops with its last user)"
            if shared
            else f"starting the embedded PostgreSQL in {pgserver.DEV_DATA_DIR.name}/ (stops with this process)"
        )
        os.environ["DATABASE_URL"] = pgserver.start(pgserver.DEV_DATA_DIR)
        settings = Settings.from_env()
    cmd_migrate(args, settings)
    cmd_demo(args, settings)
    cmd_serve(args, settings)


def _serve_options(command: argparse.ArgumentParser, workers: int = 1, access_log: bool = False) -> None:
    command.add_argument("--host", default="127.0.0.1")
    command.add_argument("--port", type=int, default=8000)
    command.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", workers)))
    # Off unless asked for (make run asks): a line per request is costly under load.
    command.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=access_log or os.environ.get("REQUEST_LOG", "off").lower() in ("on", "true", "1", "yes"),
        help="one JSON line per request on stderr (REQUEST_LOG=on)",
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply migrations and functions to DATABASE_URL").set_defaults(run=cmd_migrate)
    serve = commands.add_parser("serve", help="serve the HTTP API against DATABASE_URL (uvicorn)")
    _serve_options(serve)
    serve.set_defaults(run=cmd_serve)
    demo = commands.add_parser("demo", help="load the demo restaurant (first time only) and print staff tokens")
    _serve_options(demo)
    demo.set_defaults(run=cmd_demo)
    dev = commands.add_parser("dev", help="make run: PostgreSQL, migrate, demo, serve")
    _serve_options(dev, access_log=True)
    dev.set_defaults(run=cmd_dev)
    schema = commands.add_parser("schema", help="make schema: write sql/schema.sql from a freshly migrated database")
    schema.set_defaults(run=cmd_schema)
    commands.add_parser("sweep", help="expire held sessions past their expiry (api.expire_sessions)").set_defaults(
        run=cmd_sweep
    )
    token = commands.add_parser("token", help="manage staff bearer tokens").add_subparsers(dest="action", required=True)
    issue = token.add_parser("issue", help="issue a bearer token for a staff member")
    issue.add_argument("--email", required=True)
    issue.set_defaults(run=cmd_token_issue)
    flag = commands.add_parser("flag", help="feature flags (e.g. use-new-manual-assignment-flow)").add_subparsers(
        dest="action", required=True
    )
    flag_set = flag.add_parser("set", help="turn a flag on or off: globally, or for a restaurant and/or a staff member")
    flag_set.add_argument("flag")
    flag_set.add_argument("value", choices=["on", "off", "inherit"], help="inherit clears the override")
    flag_show = flag.add_parser("show", help="the flags as they apply (optionally to a restaurant and/or staff member)")
    for command in (flag_set, flag_show):
        command.add_argument("--restaurant", help="a restaurant id")
        command.add_argument("--staff", help="a staff id or email")
    flag_set.set_defaults(run=cmd_flag_set)
    flag_show.set_defaults(run=cmd_flag_show)
    psql = commands.add_parser("psql", help="psql on DATABASE_URL, or on the embedded database of a running make run")
    psql.add_argument("psql_args", nargs=argparse.REMAINDER)
    psql.set_defaults(run=cmd_psql)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        args.run(args, Settings.from_env())
    except KeyboardInterrupt:  # Ctrl-C after a clean stop (uvicorn re-raises the signal it caught)
        sys.exit(130)


if __name__ == "__main__":
    main()
