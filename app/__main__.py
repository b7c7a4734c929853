"""Operator commands: python -m app {migrate,serve,demo,token,sweep,dev}."""

from __future__ import annotations

import argparse
import sys

import psycopg

from app import db, migrations
from app.settings import Settings


def _database_url(settings: Settings) -> str:
    if not settings.database_url:
        sys.exit("DATABASE_URL is not set (a libpq URL, e.g. postgresql://user@host:5432/dbname)")
    return settings.database_url


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    applied = migrations.migrate(_database_url(settings))
    print(f"migrations applied: {', '.join(applied) or 'none pending'}; functions re-applied")


def cmd_sweep(args: argparse.Namespace, settings: Settings) -> None:
    with psycopg.connect(_database_url(settings), autocommit=True) as conn:
        print(f"expired sessions: {db.expire_sessions(conn)}")


def cmd_token_issue(args: argparse.Namespace, settings: Settings) -> None:
    with psycopg.connect(_database_url(settings), autocommit=True) as conn:
        issued = db.issue_token_by_email(conn, args.email)
    if issued is None:
        sys.exit(f"no staff member has the email {args.email}")
    print(f"# bearer token for {issued[0]} (shown once)\n{issued[1]}")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply migrations and functions to DATABASE_URL").set_defaults(run=cmd_migrate)
    commands.add_parser("sweep", help="expire held sessions past their expiry (api.expire_sessions)").set_defaults(run=cmd_sweep)
    token = commands.add_parser("token", help="manage staff bearer tokens").add_subparsers(dest="action", required=True)
    issue = token.add_parser("issue", help="issue a bearer token for a staff member")
    issue.add_argument("--email", required=True)
    issue.set_defaults(run=cmd_token_issue)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    args.run(args, Settings.from_env())


if __name__ == "__main__":
    main()
