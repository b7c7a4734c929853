"""The constraint engine (DESIGN §4): every check failing and passing, always all, in order."""

import uuid
from datetime import timedelta

import pytest

from tests.support import EVENING, Floor, call, check, expire_hold, failing, hold, ledger, raises_code

CHECK_ORDER = [
    "booking_status",
    "active",
    "capacity",
    "slack",
    "party_limits",
    "zone",
    "movable",
    "adjacency",
    "conflict",
]


def evaluate(conn, booking, tables, require_adjacency=None):
    return call(conn, "evaluate_selection", booking, list(tables), require_adjacency)


def test_a_good_selection_passes_with_every_check_in_order(conn, floor):
    booking = floor.booking(party_size=4)
    result = evaluate(conn, booking, floor.ids("T1", "T2"))
    assert result["passed"] is True
    assert [c["id"] for c in result["checks"]] == CHECK_ORDER
    assert all(c["severity"] == "ok" and c["message"] for c in result["checks"])


def test_a_failing_selection_still_reports_every_check(conn, floor):
    booking = floor.booking(party_size=9, status="cancelled")
    result = evaluate(conn, booking, floor.ids("T1", "T6", "T7"))
    assert result["passed"] is False
    assert [c["id"] for c in result["checks"]] == CHECK_ORDER
    assert failing(result) == ["booking_status", "active", "capacity", "zone", "adjacency"]


@pytest.mark.parametrize("status", ["completed", "cancelled", "no_show"])
def test_booking_status_closed_bookings_fail(conn, floor, status):
    result = evaluate(conn, floor.booking(status=status), floor.ids("T1"))
    assert check(result, "booking_status")["severity"] == "error"
    assert check(result, "booking_status")["details"]["status"] == status


@pytest.mark.parametrize("status", ["pending", "pending_allocation", "confirmed", "checked_in"])
def test_booking_status_open_bookings_pass(conn, floor, status):
    assert check(evaluate(conn, floor.booking(status=status), floor.ids("T1")), "booking_status")["severity"] == "ok"


def test_active_names_the_inactive_table(conn, floor):
    result = evaluate(conn, floor.booking(), floor.ids("T6"))
    assert check(result, "active")["severity"] == "error"
    assert check(result, "active")["details"]["inactiveTables"] == [
        {"tableId": str(floor.tables["T6"]), "tableNumber": "T6"}
    ]
    assert "T6" in check(result, "active")["message"]
    assert check(evaluate(conn, floor.booking(), floor.ids("T1")), "active")["severity"] == "ok"


def test_capacity(conn, floor):
    result = evaluate(conn, floor.booking(party_size=5), floor.ids("T1", "T2"))
    assert check(result, "capacity")["severity"] == "error"
    assert check(result, "capacity")["details"] == {"totalCapacity": 4, "partySize": 5}
    assert check(evaluate(conn, floor.booking(party_size=4), floor.ids("T1", "T2")), "capacity")["severity"] == "ok"


def test_duplicate_table_ids_do_not_double_count_capacity(conn, floor):
    booking = floor.booking(party_size=4)
    result = evaluate(conn, booking, floor.ids("T1", "T1", "T1"))
    assert check(result, "capacity")["severity"] == "error"
    assert check(result, "capacity")["details"]["totalCapacity"] == 2
    assert result["table_ids"] == [floor.tables["T1"]]


def test_slack_over_budget_fails_and_within_passes(conn, floor):
    # T5 seats 6: a party of 1 leaves 5 empty seats, over the default budget of 4.
    assert check(evaluate(conn, floor.booking(party_size=1), floor.ids("T5")), "slack")["severity"] == "error"
    assert check(evaluate(conn, floor.booking(party_size=2), floor.ids("T5")), "slack")["severity"] == "ok"


def test_slack_budget_null_disables_the_check(conn):
    floor = Floor(conn, slack_budget=None)
    floor.table("T1", 10)
    result = evaluate(conn, floor.booking(party_size=1), floor.ids("T1"))
    assert check(result, "slack")["severity"] == "ok"
    assert check(result, "slack")["details"] == {"slack": 9, "slackBudget": None}


def test_party_limits_is_a_warning_that_does_not_block(conn):
    floor = Floor(conn)
    floor.table("T1", 6, min_party_size=4, max_party_size=6)
    floor.person("Hana", "host")
    booking = floor.booking(party_size=2)
    result = evaluate(conn, booking, floor.ids("T1"))
    assert check(result, "party_limits")["severity"] == "warning"
    assert check(result, "party_limits")["details"]["minPartySize"] == 4
    assert result["passed"] is True
    assert hold(conn, floor.staff["Hana"], booking, floor.ids("T1"))["status"] == "HELD"


def test_party_limits_over_max_warns_and_fitting_party_is_ok(conn):
    floor = Floor(conn)
    floor.table("T1", 6, max_party_size=4)
    assert check(evaluate(conn, floor.booking(party_size=5), floor.ids("T1")), "party_limits")["severity"] == "warning"
    assert check(evaluate(conn, floor.booking(party_size=4), floor.ids("T1")), "party_limits")["severity"] == "ok"


def test_zone(conn, floor):
    result = evaluate(conn, floor.booking(party_size=6), floor.ids("T4", "T7"), False)
    assert check(result, "zone")["severity"] == "error"
    assert len(check(result, "zone")["details"]["zoneIds"]) == 2
    assert check(evaluate(conn, floor.booking(party_size=6), floor.ids("T7", "T8")), "zone")["severity"] == "ok"


def test_movable_fixed_table_cannot_be_joined_but_may_stand_alone(conn, floor):
    result = evaluate(conn, floor.booking(party_size=8), floor.ids("T4", "T5"))
    assert check(result, "movable")["severity"] == "error"
    assert check(result, "movable")["details"]["fixedTables"][0]["tableNumber"] == "T5"
    assert check(evaluate(conn, floor.booking(party_size=6), floor.ids("T5")), "movable")["severity"] == "ok"


def test_adjacency_connected_mode(conn, floor):
    booking = floor.booking(party_size=8)
    assert check(evaluate(conn, booking, floor.ids("T1", "T2", "T3")), "adjacency")["severity"] == "ok"
    gap = evaluate(conn, booking, floor.ids("T1", "T3"))
    assert check(gap, "adjacency")["severity"] == "error"
    assert [t["tableNumber"] for t in check(gap, "adjacency")["details"]["unconnectedTables"]] == ["T3"]


def test_adjacency_can_be_turned_off_per_request(conn, floor):
    booking = floor.booking(party_size=6)
    result = evaluate(conn, booking, floor.ids("T1", "T3"), False)
    assert check(result, "adjacency")["severity"] == "ok"
    assert check(result, "adjacency")["details"]["required"] is False
    assert check(evaluate(conn, booking, floor.ids("T1", "T3"), True), "adjacency")["severity"] == "error"


def test_adjacency_is_undirected(conn, floor):
    # The row is (T1, T2); naming the tables the other way round changes nothing.
    assert check(evaluate(conn, floor.booking(party_size=4), floor.ids("T2", "T1")), "adjacency")["severity"] == "ok"


def test_adjacency_pairwise_mode(conn):
    floor = Floor(conn, adjacency_mode="pairwise")
    for n in ("A", "B", "C"):
        floor.table(n, 2)
    floor.adjacent("A", "B")
    floor.adjacent("B", "C")
    booking = floor.booking(party_size=6)
    chain = evaluate(conn, booking, floor.ids("A", "B", "C"))
    assert check(chain, "adjacency")["severity"] == "error"
    assert check(chain, "adjacency")["details"]["missingPairs"][0]["tableNumbers"] == ["A", "C"]
    floor.adjacent("C", "A")
    assert check(evaluate(conn, booking, floor.ids("A", "B", "C")), "adjacency")["severity"] == "ok"


def test_adjacency_hub_mode(conn):
    floor = Floor(conn, adjacency_mode="hub")
    for n in ("H", "A", "B", "C"):
        floor.table(n, 2)
    floor.adjacent("H", "A")
    floor.adjacent("B", "H")
    floor.adjacent("B", "C")
    booking = floor.booking(party_size=6)
    assert check(evaluate(conn, booking, floor.ids("H", "A", "B")), "adjacency")["severity"] == "ok"
    # A chain A-H-B-C is connected, but no table touches all three others.
    result = evaluate(conn, booking, floor.ids("A", "H", "B", "C"))
    assert check(result, "adjacency")["severity"] == "error"
    assert check(result, "adjacency")["details"]["hubTableIds"] == []


def test_conflict_names_the_booking_and_guest_of_an_assignment(conn, floor):
    other = floor.booking(guest="Ada Lovelace")
    session = hold(conn, floor.staff["Hana Host"], other, floor.ids("T1"))
    call(conn, "confirm_session", floor.staff["Hana Host"], session["id"])

    result = evaluate(conn, floor.booking(), floor.ids("T1", "T2"))
    conflict = check(result, "conflict")
    assert conflict["severity"] == "error"
    [blocker] = conflict["details"]["conflicts"]
    assert blocker["kind"] == "assignment"
    assert blocker["tableNumber"] == "T1"
    assert blocker["bookingId"] == str(other)
    assert blocker["guestName"] == "Ada Lovelace"
    assert blocker["window"]["start"].startswith("2030-06-01T19:00:00")


def test_conflict_names_the_holder_and_expiry_of_a_hold(conn, floor):
    session = hold(conn, floor.staff["Hugo Host"], floor.booking(), floor.ids("T3"))
    [blocker] = check(evaluate(conn, floor.booking(), floor.ids("T3")), "conflict")["details"]["conflicts"]
    assert blocker["kind"] == "hold"
    assert blocker["heldBy"] == str(floor.staff["Hugo Host"])
    assert blocker["heldByName"] == "Hugo Host"
    assert blocker["holdExpiresAt"] is not None
    assert session["hold_expires_at"] is not None


def test_conflict_with_a_maintenance_block(conn, floor):
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s), 'wobbly leg')",
        (floor.id, floor.tables["T4"], EVENING + timedelta(minutes=30), EVENING + timedelta(hours=3)),
    )
    [blocker] = check(evaluate(conn, floor.booking(), floor.ids("T4")), "conflict")["details"]["conflicts"]
    assert blocker["kind"] == "maintenance"
    assert blocker["note"] == "wobbly leg"


def test_back_to_back_bookings_do_not_conflict_but_the_turnover_buffer_counts(conn, floor):
    host = floor.staff["Hana Host"]
    first = floor.booking(start=EVENING, minutes=90)
    call(conn, "confirm_session", host, hold(conn, host, first, floor.ids("T1"))["id"])
    # The first booking holds T1 until 20:30 + 5 minutes of turnover, half-open.
    at_buffer_end = floor.booking(start=EVENING + timedelta(minutes=95))
    inside_buffer = floor.booking(start=EVENING + timedelta(minutes=94))
    assert check(evaluate(conn, at_buffer_end, floor.ids("T1")), "conflict")["severity"] == "ok"
    assert check(evaluate(conn, inside_buffer, floor.ids("T1")), "conflict")["severity"] == "error"
    # ...and the later booking's window ends before the first starts, the other way round.
    earlier = floor.booking(start=EVENING - timedelta(minutes=95), minutes=90)
    assert check(evaluate(conn, earlier, floor.ids("T1")), "conflict")["severity"] == "ok"


def test_an_expired_hold_does_not_conflict_even_before_any_sweep(conn, floor):
    session = hold(conn, floor.staff["Hugo Host"], floor.booking(), floor.ids("T3"))
    expire_hold(conn, session["id"])
    assert check(evaluate(conn, floor.booking(), floor.ids("T3")), "conflict")["severity"] == "ok"


def test_evaluate_writes_nothing(conn, floor):
    before = conn.execute("SELECT count(*) FROM seating.manual_assignment_sessions").fetchone()[0]
    evaluate(conn, floor.booking(), floor.ids("T1"))
    assert conn.execute("SELECT count(*) FROM seating.manual_assignment_sessions").fetchone()[0] == before
    assert ledger(conn) == []
    volatility = conn.execute("SELECT provolatile FROM pg_proc WHERE oid = 'seating._evaluate'::regproc").fetchone()[0]
    assert volatility == "s"


def test_unknown_tables_are_named(conn, floor):
    elsewhere = Floor(conn)
    foreign = elsewhere.table("X1", 4)
    with raises_code("UNKNOWN_TABLES") as error:
        evaluate(conn, floor.booking(), [floor.tables["T1"], foreign])
    assert error.details["tableIds"] == [str(foreign)]


def test_unknown_booking(conn, floor):
    with raises_code("BOOKING_NOT_FOUND"):
        evaluate(conn, uuid.uuid4(), floor.ids("T1"))


@pytest.mark.parametrize("tables", [[], [None], "21"])
def test_selection_size_and_nulls_are_invalid_input(conn, floor, tables):
    if tables == "21":
        tables = [floor.tables["T1"]] * 21
    with raises_code("INVALID_INPUT"):
        evaluate(conn, floor.booking(), tables)


def test_twenty_tables_are_allowed(conn, floor):
    result = evaluate(conn, floor.booking(), [floor.tables["T1"]] * 20)
    assert result["table_ids"] == [floor.tables["T1"]]
