"""api.get_assignment_context: every table's state for the booking's window."""

import uuid
from datetime import timedelta

import pytest

from tests.support import EVENING, call, hold, raises_code


def states(context):
    return {t["tableNumber"]: t["state"] for t in context["tables"]}


def test_every_state_in_priority_order(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking = floor.booking(party_size=2)
    other = floor.booking(guest="Ada")
    call(conn, "confirm_session", hana, hold(conn, hana, other, floor.ids("T2"))["id"])
    hold(conn, hugo, floor.booking(), floor.ids("T3"))
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s), 'paint')",
        (floor.id, floor.tables["T4"], EVENING, EVENING + timedelta(hours=1)),
    )

    context = call(conn, "get_assignment_context", hana, booking)
    assert states(context) == {
        "T1": "free",
        "T2": "assigned",
        "T3": "held",
        "T4": "blocked",
        "T5": "free",
        "T6": "inactive",
        "T7": "free",
        "T8": "free",
    }
    by_number = {t["tableNumber"]: t for t in context["tables"]}
    assert by_number["T2"]["blocker"]["bookingId"] == str(other)
    assert by_number["T2"]["blocker"]["guestName"] == "Ada"
    assert by_number["T3"]["blocker"]["heldByName"] == "Hugo Host"
    assert by_number["T3"]["blocker"]["expiresAt"]
    assert by_number["T4"]["blocker"]["note"] == "paint"
    assert context["booking"]["window"]["end"].startswith("2030-06-01T20:35:00")
    assert context["session"] is None and context["current_assignment"] == []


def test_own_session_and_own_assignment_are_not_held_or_assigned(conn, floor):
    hana = floor.staff["Hana Host"]
    booking = floor.booking(party_size=4)
    call(conn, "confirm_session", hana, hold(conn, hana, booking, floor.ids("T1", "T2"))["id"])
    session = hold(conn, hana, booking, floor.ids("T2", "T3"))
    context = call(conn, "get_assignment_context", hana, booking)
    assert states(context)["T1"] == states(context)["T2"] == states(context)["T3"] == "free"
    assert context["current_assignment"] == [str(t) for t in floor.ids("T1", "T2")]
    assert context["session"]["id"] == str(session["id"]) and context["session"]["status"] == "HELD"
    # Another host sees the hold.
    assert states(call(conn, "get_assignment_context", floor.staff["Hugo Host"], booking))["T3"] == "held"


def test_tables_carry_what_a_floor_plan_draws(conn, floor):
    conn.execute(
        "UPDATE seating.table_inventory SET position_x = 1.5, position_y = 2 WHERE id = %s", (floor.tables["T1"],)
    )
    context = call(conn, "get_assignment_context", floor.staff["Sam Server"], floor.booking())
    t1 = next(t for t in context["tables"] if t["tableNumber"] == "T1")
    assert t1["position"] == {"x": 1.5, "y": 2}
    assert t1["zoneId"] == str(floor.zones["Main"]) and t1["capacity"] == 2
    assert t1["adjacentTableIds"] == [str(floor.tables["T2"])]
    assert next(t for t in context["tables"] if t["tableNumber"] == "T2")["position"] is None
    assert {z["name"] for z in context["zones"]} == {"Main", "Terrace"}


@pytest.mark.parametrize("code,args", [("FORBIDDEN", "outsider"), ("BOOKING_NOT_FOUND", "nobooking")])
def test_errors(conn, floor, code, args):
    staff = floor.staff["Otto Outsider"] if args == "outsider" else floor.staff["Hana Host"]
    booking = floor.booking() if args == "outsider" else uuid.uuid4()
    with raises_code(code):
        call(conn, "get_assignment_context", staff, booking)
