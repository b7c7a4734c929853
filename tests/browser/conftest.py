"""Browser tests: the staff page in a real headless Chromium (Debian's `chromium` package)
driven by Playwright for Python, against a live server on the test's own database. They use only
the page's contract hooks (data-*, accessible names), never CSS classes."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.settings import Settings
from tests.live import live_server
from tests.support import call, standard_floor

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")  # playwright's sync API keeps an event loop running in this thread until it stops
def browser():
    if not shutil.which("chromium"):
        pytest.skip("browser tests need Chromium: apt-get install -y --no-install-recommends chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need Playwright for Python: pip install playwright==1.65.2 (make install does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(db_url):
    settings = replace(Settings.from_env(), database_url=db_url, pool_min_size=1, pool_max_size=6)
    with live_server(settings) as running:
        yield running


@pytest.fixture
def floor(conn):
    """The standard floor, placed on a grid (T6 and T8 left unplaced), with two bookings tonight."""
    floor: Any = standard_floor(conn)  # with three attributes of this module's own
    for number, (x, y) in {"T1": (0, 0), "T2": (1, 0), "T3": (2, 0), "T4": (3, 0), "T5": (4, 0), "T7": (0, 2)}.items():
        conn.execute(
            "UPDATE seating.table_inventory SET position_x = %s, position_y = %s WHERE id = %s",
            (x, y, floor.tables[number]),
        )
    tonight = datetime.now(UTC).replace(hour=20, minute=0, second=0, microsecond=0)
    floor.tonight = tonight
    floor.ada = floor.booking(party_size=4, start=tonight, minutes=120, guest="Ada Lovelace")
    floor.alan = floor.booking(party_size=2, start=tonight + timedelta(minutes=30), guest="Alan Turing")
    return floor


@pytest.fixture
def token_of(conn, floor):
    return lambda name: call(conn, "issue_staff_token", floor.staff[name])["issue_staff_token"]


@pytest.fixture
def open_page(browser, server, token_of):
    """A new browser context (one staff member) signed in by link, at /staff[?booking=].
    page.api_calls lists the page's API requests as (method, path), in order."""
    contexts = []

    def open_as(name: str, booking=None, width: int = 1024, height: int = 768, clock: bool = False):
        """clock: the page runs on Playwright's clock, which a test can move forward."""
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        if clock:
            page.clock.install()
        page.set_default_timeout(10_000)
        page.api_calls = []
        page.on("request", lambda request: page.api_calls.append((request.method, urlsplit(request.url).path)))
        query = f"?booking={booking}" if booking else ""
        page.goto(f"{server.url}/staff{query}#token={token_of(name)}")
        return page

    yield open_as
    for context in contexts:
        context.close()
