"""The staff page's help (DESIGN §12) and its legacy flow (DESIGN §13) in a real browser: a
suggestion held in one press, suggestions following the plan live, "Seat the rest
automatically", and with the feature flag off for the restaurant the legacy validate / hold /
confirm calls behind the same hooks."""

import re
from datetime import datetime

from tests.browser.hooks import LIVE, pressed, table, wait_status
from tests.support import call

FLAG = "use-new-manual-assignment-flow"


def held_tables(conn, booking) -> set[str]:
    row = conn.execute(
        "SELECT proposed_tables FROM seating.manual_assignment_sessions WHERE booking_id = %s AND status = 'HELD'",
        (booking,),
    ).fetchone()
    return {str(t) for t in row[0]} if row else set()


def current_tables(conn, booking) -> set[str]:
    rows = conn.execute(
        "SELECT table_id FROM seating.booking_table_assignments WHERE booking_id = %s AND released_at IS NULL",
        (booking,),
    ).fetchall()
    return {str(r[0]) for r in rows}


def hold_name(numbers: list[str]) -> str:
    """The accessible name of a suggestion: "Hold table T3", "Hold tables T1 and T2"."""
    if len(numbers) == 1:
        return f"Hold table {numbers[0]}"
    return f"Hold tables {', '.join(numbers[:-1])} and {numbers[-1]}"


def wait_pressed(page, ids: set[str]) -> None:
    page.wait_for_function(
        "ids => [...document.querySelectorAll('[data-table-id][aria-pressed=\"true\"]')]"
        ".map(e => e.dataset.tableId).sort().join() === ids",
        arg=",".join(sorted(ids)),
    )


def test_a_suggestion_is_held_in_one_press(open_page, floor, conn):
    best = call(conn, "suggest_tables", floor.staff["Hana Host"], floor.ada, 3)  # rank 1
    page = open_page("Hana Host", booking=floor.ada)
    suggestion = page.get_by_role("button", name=hold_name(best["table_numbers"]), exact=True)
    suggestion.wait_for()
    assert "empty seat" in suggestion.inner_text()  # its reasons, in words
    assert page.get_by_role("button", name=re.compile(r"^Hold tables? ")).count() == 3

    suggestion.click()
    wait_status(page, "HELD")
    expected = {str(t) for t in best["table_ids"]}
    wait_pressed(page, expected)
    assert held_tables(conn, floor.ada) == expected
    page.get_by_role("button", name=hold_name(best["table_numbers"]) + " (held now)").wait_for()


def test_suggestions_follow_the_plan_live(open_page, floor, conn):
    best = call(conn, "suggest_tables", floor.staff["Hana Host"], floor.ada, 3)
    page = open_page("Hana Host", booking=floor.ada)
    name = hold_name(best["table_numbers"])
    page.get_by_role("button", name=name, exact=True).wait_for()
    page.wait_for_selector(":text('Live: changes appear')")
    # A maintenance block on the best table, written in psql: the suggestions drop it.
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s + interval '4 hours'), 'wobbly leg')",
        (floor.id, best["table_ids"][0], floor.tonight, floor.tonight),
    )
    page.get_by_role("button", name=name, exact=True).wait_for(state="detached", timeout=LIVE)
    assert page.get_by_role("button", name=re.compile(r"^Hold tables? ")).count() >= 1


def test_seat_the_rest_seats_the_days_open_bookings(open_page, floor, conn):
    page = open_page("Hana Host")  # hosts may (DESIGN §12), as managers and owners
    for booking in (floor.ada, floor.alan):
        page.locator(f'[data-booking-id="{booking}"]').filter(has_text="Needs tables").wait_for()

    page.get_by_role("button", name="Seat the rest automatically").click()
    page.get_by_text("Seated 2 of 2 bookings automatically.").wait_for()
    for booking in (floor.ada, floor.alan):
        page.locator(f'[data-booking-id="{booking}"]').filter(has_not_text="Needs tables").wait_for(timeout=LIVE)
        assert current_tables(conn, booking)
    assert "Ada Lovelace" in page.get_by_text("Seated 2 of 2").locator("..").inner_text()

    # Again: nothing is left to seat, and nothing changes.
    page.get_by_role("button", name="Seat the rest automatically").click()
    page.get_by_text("Nothing to seat: no booking of this day is waiting for tables.").wait_for()

    # Ada's party grows past her tables: she keeps them (the batch seats only bookings without
    # any), and the page says which booking wants a host's look.
    conn.execute("UPDATE seating.bookings SET party_size = party_size + 20 WHERE id = %s", (floor.ada,))
    page.locator(f'[data-booking-id="{floor.ada}"]').filter(has_text="Check tables").wait_for(timeout=LIVE)
    page.get_by_role("button", name="Seat the rest automatically").click()
    page.get_by_text('Nothing to seat automatically, but one booking is marked "Check tables"').wait_for()


def test_seat_the_rest_is_not_offered_to_a_server_and_shows_errors_inline(open_page, floor):
    server = open_page("Sam Server")
    server.wait_for_selector(f'[data-booking-id="{floor.ada}"]')
    assert server.get_by_role("button", name="Seat the rest automatically").count() == 0

    page = open_page("Max Manager")
    page.wait_for_selector(f'[data-booking-id="{floor.ada}"]')
    # The database overloaded: the app's own 503 body, given by the browser's network layer.
    page.route(
        "**/auto-assign",
        lambda route: route.fulfill(
            status=503,
            json={"error": {"code": "UNAVAILABLE", "message": "The database is busy: retry.", "details": {}}},
        ),
    )
    page.get_by_role("button", name="Seat the rest automatically").click()
    page.get_by_text("Seat the rest failed: The database is busy: retry.").wait_for()
    assert page.get_by_role("button", name="Seat the rest automatically").is_enabled()


def test_with_the_flag_off_the_page_uses_the_legacy_flow(open_page, floor, conn):
    conn.execute("SELECT api.set_feature_flag(%s, false, %s)", (FLAG, floor.id))
    page = open_page("Hana Host", booking=floor.ada)
    table(page, floor, "T1").wait_for()

    table(page, floor, "T1").click()  # 2 seats for 4 guests: validate says why, nothing is held
    wait_status(page, "PROPOSED")
    assert held_tables(conn, floor.ada) == set()
    table(page, floor, "T2").click()  # T1 + T2, adjacent, 4 seats
    wait_status(page, "HELD")
    wait_pressed(page, {str(floor.tables["T1"]), str(floor.tables["T2"])})
    assert held_tables(conn, floor.ada) == {str(floor.tables["T1"]), str(floor.tables["T2"])}

    page.get_by_role("button", name="Cancel").click()
    wait_status(page, "CANCELLED")
    assert held_tables(conn, floor.ada) == set()

    table(page, floor, "T3").click()
    wait_status(page, "HELD")
    page.get_by_role("button", name="Confirm").click()
    wait_status(page, "CONFIRMED")
    page.locator(f'[data-booking-id="{floor.ada}"]').filter(has_text="Table T3").wait_for()
    assert current_tables(conn, floor.ada) == {str(floor.tables["T3"])}
    assert pressed(page) == set()

    calls = page.api_calls
    for route in [
        ("GET", "/api/staff/manual/context"),
        ("POST", "/api/staff/manual/validate"),
        ("POST", "/api/staff/manual/hold"),
        ("DELETE", "/api/staff/manual/hold"),
        ("POST", "/api/staff/manual/confirm"),
    ]:
        assert route in calls, route
    assert not [c for c in calls if c[1].startswith("/api/staff/manual/session")]
    # The plan itself comes from the legacy context; the one read of ?booking= only finds its restaurant.
    assert calls.count(("GET", f"/api/staff/bookings/{floor.ada}/assignment-context")) == 1


def test_the_legacy_flow_reads_a_stale_context_again_and_retries_once(open_page, floor, conn):
    conn.execute("SELECT api.set_feature_flag(%s, false, %s)", (FLAG, floor.id))
    page = open_page("Hana Host", booking=floor.ada)
    table(page, floor, "T3").wait_for()
    page.wait_for_selector(":text('Live: changes appear')")
    changed: list[bool] = []

    def change_first(route):
        # The plan changes after the page read it and before its first validate arrives.
        if not changed:
            changed.append(True)
            conn.execute(
                "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
                " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s + interval '4 hours'), 'repainting')",
                (floor.id, floor.tables["T8"], floor.tonight, floor.tonight),
            )
        route.continue_()

    page.route("**/api/staff/manual/validate", change_first)
    table(page, floor, "T3").click()
    wait_status(page, "HELD")
    assert held_tables(conn, floor.ada) == {str(floor.tables["T3"])}
    assert page.api_calls.count(("POST", "/api/staff/manual/validate")) == 2


def test_the_pages_local_day_is_postgresqls(browser, server, conn):
    """The day a page asks for (dayBounds in words.js) starts and ends where PostgreSQL's local
    midnight is: ordinary days, both DST changes, and changes at midnight (Santiago, Havana)."""
    cases = [
        ("2026-11-30", "Europe/Rome"),
        ("2027-03-28", "Europe/Rome"),
        ("2027-10-31", "Europe/Rome"),
        ("2027-09-05", "America/Santiago"),
        ("2027-04-04", "America/Santiago"),
        ("2027-03-14", "America/New_York"),
        ("2027-01-01", "Asia/Kolkata"),
        ("2026-11-01", "America/Havana"),  # midnight twice: the later one
        ("2011-12-31", "Pacific/Apia"),  # the day after the skipped 30 December
    ]
    page = browser.new_page()
    try:
        page.goto(f"{server.url}/staff")
        bounds = page.evaluate(
            "async (cases) => { const words = await import('/staff/js/words.js');"
            " return cases.map(([date, zone]) => words.dayBounds(date, zone)); }",
            cases,
        )
    finally:
        page.close()
    for (date, zone), got in zip(cases, bounds, strict=True):
        expected = conn.execute(
            "SELECT %(d)s::date::timestamp AT TIME ZONE %(z)s, (%(d)s::date + 1)::timestamp AT TIME ZONE %(z)s",
            {"d": date, "z": zone},
        ).fetchone()
        assert (datetime.fromisoformat(got["from"]), datetime.fromisoformat(got["to"])) == expected, (date, zone, got)
