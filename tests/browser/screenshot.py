"""The README's screenshot of the staff page: `python -m tests.browser.screenshot` (or `make
screenshot`) writes docs/floor-plan.png.

On a scratch database (on DATABASE_URL's server, else a throwaway embedded PostgreSQL) with the
demo restaurant of `make run`: Hugo holds table 7 for Grace Hopper, table 12 is blocked for a
wobbly leg, and Hana, signed in by link, holds the best suggestion for Alan Turing (party of 4)
by pressing it. The page shows her hold and its countdown, the other host's hold, the block and
the suggestions beside the floor plan. Needs Chromium and Playwright, as the browser tests do."""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from pathlib import Path

import psycopg

from app import db, migrations, pgserver
from app.__main__ import DEMO_BOOKING
from app.settings import PROJECT_ROOT, SQL_DIR, Settings
from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS
from tests.live import live_server

OUTPUT = PROJECT_ROOT / "docs" / "floor-plan.png"
HUGO = "d0000000-0000-4000-8000-0000000002a4"
GRACE_HOPPER = "d0000000-0000-4000-8000-000000000303"


def demo_table(number: int) -> str:
    return f"d0000000-0000-4000-8000-0000000001{number:02d}"


def set_the_scene(conn: psycopg.Connection) -> str:
    """Another host's hold and a maintenance block tonight; returns Hana's sign-in token."""
    conn.execute("SELECT api.create_session_hold(%s, %s, %s::uuid[])", (HUGO, GRACE_HOPPER, [demo_table(7)]))
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " SELECT restaurant_id, %s, 'maintenance',"
        "        tstzrange(start_at - interval '1 hour', end_at + interval '4 hours'), 'wobbly leg'"
        "   FROM seating.bookings WHERE id = %s",
        (demo_table(12), DEMO_BOOKING),
    )
    tokens = db.issue_demo_tokens(conn, 1)
    return next(token for name, _, token in tokens if name == "Hana Host")


def take(url: str, output: Path, width: int, height: int) -> None:
    from playwright.sync_api import sync_playwright

    with psycopg.connect(url, autocommit=True) as conn:
        db.load_demo(conn, SQL_DIR / "demo.sql")
        token = set_the_scene(conn)
    settings = replace(Settings.from_env(), database_url=url, pool_min_size=1, pool_max_size=4)
    with live_server(settings) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(15_000)
        page.goto(f"{server.url}/staff?booking={DEMO_BOOKING}#token={token}")
        page.wait_for_selector(":text('Live: changes appear')")
        page.get_by_role("button", name=re.compile(r"^Hold tables? ")).first.click()
        page.wait_for_selector('[data-session-status="HELD"]')
        page.get_by_role("button", name=re.compile(r"\(held now\)$")).wait_for()
        page.evaluate("document.activeElement.blur()")  # no focus ring in the picture
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output), full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.browser.screenshot", description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    server_url = Settings.from_env().database_url or pgserver.start_throwaway()
    with db.scratch_database(server_url, "seating_screenshot") as url:
        migrations.migrate(url)
        take(url, args.output, args.width, args.height)
    print(f"wrote {args.output.relative_to(PROJECT_ROOT) if args.output.is_relative_to(PROJECT_ROOT) else args.output}")


if __name__ == "__main__":
    main()
