"""The staff page in a real browser (DESIGN §11): sign-in, the day view, holding and confirming
tables, rapid clicks, two hosts seeing each other's changes live, a DBA's change in psql,
keyboard-only use. Waits are generous timeouts around DOM conditions, never fixed sleeps."""

import re

from tests.browser.hooks import LIVE, pressed, table, wait_state, wait_status
from tests.support import call, expire_hold, hold


def test_sign_in_by_link_lists_the_day_and_sign_out_forgets(open_page, floor, token_of):
    page = open_page("Hana Host")
    page.wait_for_selector(f'[data-booking-id="{floor.ada}"]')
    rows = page.locator("[data-booking-id]")
    assert rows.count() == 2
    assert "Needs tables" in page.locator(f'[data-booking-id="{floor.ada}"]').inner_text()
    assert "#token" not in page.url  # the fragment is dropped from the address bar
    assert page.evaluate("Object.values(sessionStorage)")  # kept for this tab only

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Staff token").wait_for()
    assert page.evaluate("Object.values(sessionStorage)") == []
    page.get_by_label("Staff token").fill(token_of("Sam Server"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(f'[data-booking-id="{floor.alan}"]')


def test_hold_two_tables_then_confirm(open_page, floor, conn):
    page = open_page("Hana Host")
    page.locator(f'[data-booking-id="{floor.ada}"] button').click()
    table(page, floor, "T1").click()
    table(page, floor, "T2").click()
    wait_status(page, "HELD")
    page.wait_for_function("() => document.querySelectorAll('[data-table-id][aria-pressed=\"true\"]').length === 2")
    assert pressed(page) == {str(floor.tables["T1"]), str(floor.tables["T2"])}
    assert re.search(r"\d:\d\d left", page.get_by_role("status").inner_text())
    assert "T3" in table(page, floor, "T3").get_attribute("aria-label")

    page.get_by_role("button", name="Confirm").click()
    wait_status(page, "CONFIRMED")
    row = page.locator(f'[data-booking-id="{floor.ada}"]')
    row.filter(has_text="Tables T1, T2").wait_for()
    assert conn.execute("SELECT status FROM seating.bookings WHERE id = %s", (floor.ada,)).fetchone()[0] == "confirmed"


def test_rapid_clicks_end_in_the_last_selection(open_page, floor, conn):
    page = open_page("Hana Host", booking=floor.ada)
    table(page, floor, "T3").wait_for()
    for number in ["T1", "T2", "T3", "T2", "T4", "T1"]:  # faster than the answers come
        table(page, floor, number).click()
    wait_status(page, "HELD")
    page.wait_for_function("() => !document.querySelector('[data-pending]')")
    expected = {str(floor.tables["T3"]), str(floor.tables["T4"])}
    page.wait_for_function(
        "ids => [...document.querySelectorAll('[data-table-id][aria-pressed=\"true\"]')]"
        ".map(e => e.dataset.tableId).sort().join() === ids",
        arg=",".join(sorted(expected)),
    )
    held = conn.execute(
        "SELECT proposed_tables FROM seating.manual_assignment_sessions WHERE booking_id = %s AND status = 'HELD'",
        (floor.ada,),
    ).fetchone()[0]
    assert set(held) == expected


def test_another_hosts_hold_release_and_confirm_show_live(open_page, floor, conn):
    hana = open_page("Hana Host", booking=floor.ada)
    hugo = open_page("Hugo Host", booking=floor.alan)
    wait_state(hugo, floor, "T3", "free")
    hugo.wait_for_selector(":text('Live: changes appear')")
    hana.wait_for_selector(":text('Live: changes appear')")

    table(hana, floor, "T3").click()
    wait_status(hana, "HELD")
    wait_state(hugo, floor, "T3", "held")
    assert "Held by Hana Host" in table(hugo, floor, "T3").get_attribute("aria-label")
    assert table(hugo, floor, "T3").get_attribute("aria-disabled") == "true"

    hana.get_by_role("button", name="Cancel").click()
    wait_status(hana, "CANCELLED")
    wait_state(hugo, floor, "T3", "free")

    table(hana, floor, "T3").click()
    wait_status(hana, "HELD")
    hana.get_by_role("button", name="Confirm").click()
    wait_status(hana, "CONFIRMED")
    wait_state(hugo, floor, "T3", "assigned")
    assert "Ada Lovelace" in table(hugo, floor, "T3").get_attribute("aria-label")
    hugo.locator(f'[data-booking-id="{floor.ada}"]').filter(has_text="Table T3").wait_for(timeout=LIVE)


def test_a_dbas_change_in_psql_shows_live(open_page, floor, conn):
    page = open_page("Hugo Host", booking=floor.alan)
    wait_state(page, floor, "T4", "free")
    page.wait_for_selector(":text('Live: changes appear')")
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s + interval '4 hours'), 'wobbly leg')",
        (floor.id, floor.tables["T4"], floor.tonight, floor.tonight),
    )
    wait_state(page, floor, "T4", "blocked")
    assert "Blocked — wobbly leg" in table(page, floor, "T4").get_attribute("aria-label")

    # A booking moved by plain SQL moves in the day view.
    conn.execute(
        "UPDATE seating.bookings SET start_at = start_at + interval '1 hour', end_at = end_at + interval '1 hour'"
        " WHERE id = %s",
        (floor.ada,),
    )
    page.locator(f'[data-booking-id="{floor.ada}"]').filter(has_text="21:00").wait_for(timeout=LIVE)
    assert page.locator("[data-booking-id]").first.get_attribute("data-booking-id") == str(floor.alan)


def test_a_conflicting_selection_names_the_holder(open_page, floor, conn):
    hold(conn, floor.staff["Hugo Host"], floor.alan, floor.ids("T1"))
    page = open_page("Hana Host", booking=floor.ada)
    wait_state(page, floor, "T1", "held")
    # aria-disabled, yet still pressable: the server's answer says why (Playwright waits for
    # "enabled" unless forced).
    table(page, floor, "T1").click(force=True)
    wait_status(page, "PROPOSED")
    page.get_by_role("status").filter(has_text="Table T1 is held by Hugo Host until").wait_for()


def test_a_hold_that_runs_out_reads_expired_without_reload(open_page, floor, conn):
    page = open_page("Hana Host", booking=floor.ada, clock=True)
    table(page, floor, "T3").click()
    wait_status(page, "HELD")
    session = conn.execute(
        "SELECT id FROM seating.manual_assignment_sessions WHERE booking_id = %s", (floor.ada,)
    ).fetchone()[0]
    # Time passes for both: the database's hold runs out, and the page's clock passes its expiry
    # (no event tells the page: its countdown reaching zero asks the server again).
    expire_hold(conn, session)
    page.clock.fast_forward("10:00")
    wait_status(page, "EXPIRED")
    assert pressed(page) == set()


def test_keyboard_only_completes_an_assignment(open_page, floor, conn):
    page = open_page("Hana Host")
    page.wait_for_selector(f'[data-booking-id="{floor.alan}"]')

    def tab_to(condition: str, arg) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate(condition, arg):
                return
        raise AssertionError(f"Tab never reached {arg}")

    tab_to("id => document.activeElement.closest('[data-booking-id]')?.dataset.bookingId === id", str(floor.alan))
    page.keyboard.press("Enter")
    page.wait_for_selector(f'[data-table-id="{floor.tables["T7"]}"]')
    tab_to("id => document.activeElement.dataset.tableId === id", str(floor.tables["T7"]))
    page.keyboard.press("Space")
    wait_status(page, "HELD")
    tab_to("() => document.activeElement.textContent === 'Confirm'", None)
    page.keyboard.press("Enter")
    wait_status(page, "CONFIRMED")
    assert call(conn, "list_bookings", floor.staff["Hana Host"], floor.id, floor.tonight.date())["id"]
    assert (
        conn.execute(
            "SELECT table_id FROM seating.booking_table_assignments WHERE booking_id = %s", (floor.alan,)
        ).fetchone()[0]
        == floor.tables["T7"]
    )


def test_phone_width_shows_the_plan_as_a_list(open_page, floor):
    page = open_page("Hana Host", booking=floor.ada, width=390, height=844)
    table(page, floor, "T1").wait_for()
    boxes = [table(page, floor, n).bounding_box() for n in ["T1", "T2", "T3"]]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]  # one under the other
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in boxes)


def test_at_phone_width_choosing_a_booking_brings_its_plan_into_view(open_page, floor):
    page = open_page("Hana Host", width=390, height=500)
    page.locator(f'[data-booking-id="{floor.alan}"] button').first.click()
    table(page, floor, "T1").wait_for()
    page.wait_for_function("() => document.getElementById('plan-title').getBoundingClientRect().top < innerHeight")
    assert page.evaluate("document.activeElement.id") == "plan-title"


def test_a_long_state_never_hides_the_table_number(open_page, floor, conn):
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s + interval '4 hours'), %s)",
        (floor.id, floor.tables["T1"], floor.tonight, floor.tonight, "wobbly leg, carpenter booked for " * 4),
    )
    page = open_page("Hugo Host", booking=floor.alan, width=900)
    wait_state(page, floor, "T1", "blocked")
    tile = table(page, floor, "T1")
    assert "carpenter booked for" in tile.get_attribute("aria-label")
    outer = tile.bounding_box()
    for part in (".t-number", ".t-state"):
        inner = tile.locator(part).bounding_box()
        assert outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5, part
