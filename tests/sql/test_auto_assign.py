"""Automatic assignment (DESIGN §12): suggestions, auto_assign and the batch, at the SQL level."""

from datetime import timedelta

from psycopg.rows import dict_row

from tests.support import EVENING, Floor, call, events, hold, integrity, overlapping_allocations, raises_code


def suggest(conn, staff, booking, limit=5, require_adjacency=None):
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT * FROM api.suggest_tables(%s, %s, %s, %s)", (staff, booking, limit, require_adjacency)
        ).fetchall()


def pending(conn, staff, restaurant, start=EVENING - timedelta(hours=1), end=EVENING + timedelta(hours=6)):
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT * FROM api.auto_assign_pending(%s, %s, %s, %s)", (staff, restaurant, start, end)
        ).fetchall()


def passes(conn, booking, table_ids, require_adjacency=None) -> bool:
    return call(conn, "evaluate_selection", booking, list(table_ids), require_adjacency)["passed"]


def test_suggestions_rank_fewest_empty_seats_then_fewest_tables(conn, floor):
    booking = floor.booking(party_size=4)
    rows = suggest(conn, floor.staff["Hana Host"], booking, limit=10)
    numbers = [r["table_numbers"] for r in rows]
    assert numbers[:4] == [["T3"], ["T4"], ["T7"], ["T8"]] or sorted(map(tuple, numbers[:4])) == [
        ("T3",),
        ("T4",),
        ("T7",),
        ("T8",),
    ]
    assert ["T1", "T2"] in numbers and ["T5"] in numbers
    assert numbers.index(["T1", "T2"]) < numbers.index(["T5"])  # 0 empty seats with two tables before 2 with one
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["slack"] == 0 and rows[0]["total_capacity"] == 4 and rows[0]["score"] == 0
    assert [r["factor"] for r in rows[0]["reasons"]][:3] == ["empty_seats", "tables", "scarcity"]
    assert all(passes(conn, booking, r["table_ids"]) for r in rows)


def test_auto_assign_confirms_through_a_session_with_an_auto_assigned_audit(conn, floor):
    hana = floor.staff["Hana Host"]
    booking = floor.booking(party_size=6)
    session = call(conn, "auto_assign", hana, booking, None)
    assert session["status"] == "CONFIRMED" and session["created_by"] == hana
    assert [r[2] for r in events(conn, session["id"])] == ["auto-assigned: selection held", "auto-assigned: confirmed"]
    status = conn.execute(
        "SELECT to_status, changed_by, reason FROM seating.booking_status_history WHERE booking_id = %s", (booking,)
    ).fetchall()
    assert status == [("confirmed", hana, f"tables assigned by session {session['id']} (auto-assigned: confirmed)")]
    assert overlapping_allocations(conn) == [] and integrity(conn) == []


def test_auto_assign_again_on_the_best_tables_changes_nothing(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking = floor.booking(party_size=6)
    first = call(conn, "auto_assign", hana, booking, None)

    def history() -> tuple:
        return conn.execute(
            "SELECT (SELECT count(*) FROM seating.booking_table_assignments WHERE booking_id = %(b)s),"
            "       (SELECT count(*) FROM seating.manual_assignment_sessions WHERE booking_id = %(b)s),"
            "       (SELECT count(*) FROM seating.booking_status_history WHERE booking_id = %(b)s)",
            {"b": booking},
        ).fetchone()

    before = history()
    again = call(conn, "auto_assign", hugo, booking, None)
    assert again["id"] == first["id"] and again["status"] == "CONFIRMED"
    assert history() == before


def test_no_fit_says_why_and_writes_nothing(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    with raises_code("NO_FIT") as info:
        call(conn, "auto_assign", hana, floor.booking(party_size=40), None)
    assert info.details["reason"] == "no_capacity" and info.details["maxTablesPerBooking"] == 3
    assert "group of up to 3 joinable tables" in info.message
    conn.execute("UPDATE seating.restaurants SET max_tables_per_booking = 1 WHERE id = %s", (floor.id,))
    with raises_code("NO_FIT") as info:
        call(conn, "auto_assign", hana, floor.booking(party_size=40), None)
    assert info.message == "No table seats a party of 40 (this restaurant does not join tables)."
    conn.execute("UPDATE seating.restaurants SET max_tables_per_booking = 3 WHERE id = %s", (floor.id,))

    with raises_code("NO_FIT") as info:  # T5 seats 6 but is fixed; joined 4+4 leave too many seats
        conn.execute("UPDATE seating.restaurants SET slack_budget = 0 WHERE id = %s", (floor.id,))
        call(conn, "auto_assign", hana, floor.booking(party_size=7), None)
    assert info.details["reason"] == "slack" and info.details["fewestEmptySeats"] == 1
    conn.execute("UPDATE seating.restaurants SET slack_budget = 4 WHERE id = %s", (floor.id,))

    # Every group seating 12 is in Main (T3+T4+... no: Terrace seats 8); hold what would seat 10
    other = floor.booking(party_size=6)
    hold(conn, hugo, other, floor.ids("T3", "T4"))
    with raises_code("NO_FIT") as info:
        call(conn, "auto_assign", hana, floor.booking(party_size=10), None)
    assert info.details["reason"] == "taken"
    assert {(t["tableNumber"], t.get("heldByName")) for t in info.details["takenTables"]} >= {("T3", "Hugo Host")}
    assert "held by Hugo Host" in info.message
    assert (
        conn.execute(
            "SELECT count(*) FROM seating.manual_assignment_sessions WHERE created_by = %s", (hana,)
        ).fetchone()[0]
        == 0
    )


def test_auto_assign_skips_a_candidate_taken_meanwhile_and_respects_roles(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking = floor.booking(party_size=4)
    best = suggest(conn, hana, booking)[0]["table_ids"]
    hold(conn, hugo, floor.booking(party_size=4), best)
    session = call(conn, "auto_assign", hana, booking, None)
    assert sorted(session["assignment"]["tableIds"]) != sorted(map(str, best))
    with raises_code("FORBIDDEN"):
        call(conn, "auto_assign", floor.staff["Sam Server"], booking, None)
    with raises_code("FORBIDDEN"):
        suggest(conn, floor.staff["Otto Outsider"], booking)
    with raises_code("INVALID_INPUT"):
        suggest(conn, hana, booking, limit=0)
    with raises_code("BOOKING_NOT_FOUND"):
        call(conn, "auto_assign", hana, floor.staff["Hana Host"], None)


def test_batch_seats_the_evening_leaves_held_bookings_to_their_host_and_is_idempotent(conn, floor):
    manager, hugo = floor.staff["Max Manager"], floor.staff["Hugo Host"]
    small = [floor.booking(party_size=2, start=EVENING + timedelta(minutes=30 * i)) for i in range(3)]
    big = floor.booking(party_size=8)
    held = floor.booking(party_size=4)
    hold(conn, hugo, held, floor.ids("T7"))
    floor.booking(party_size=2, status="cancelled")
    already = floor.booking(party_size=2)
    call(conn, "auto_assign", manager, already, None)

    first = pending(conn, manager, floor.id)
    by_booking = {r["booking_id"]: r for r in first}
    assert set(by_booking) == {*small, big, held}
    assert all(by_booking[b]["outcome"] == "assigned" for b in [*small, big])
    assert by_booking[held]["outcome"] == "no_fit" and "Hugo Host" in by_booking[held]["reason"]
    for b in [*small, big]:
        assert call(conn, "evaluate_selection", b, by_booking[b]["table_ids"], None)["passed"]
    assert overlapping_allocations(conn) == [] and integrity(conn) == []

    snapshot = conn.execute("SELECT count(*), max(updated_at) FROM seating.manual_assignment_sessions").fetchone()
    second = pending(conn, manager, floor.id)
    assert [r["booking_id"] for r in second] == [held]
    assert (
        conn.execute("SELECT count(*), max(updated_at) FROM seating.manual_assignment_sessions").fetchone() == snapshot
    )

    with raises_code("INVALID_INPUT"):
        pending(conn, manager, floor.id, EVENING, EVENING)
    with raises_code("FORBIDDEN"):
        pending(conn, floor.staff["Sam Server"], floor.id)


def test_the_batch_says_why_a_booking_is_left_out_as_it_left_the_tables(conn):
    """Seating three later bookings beats seating one earlier party of 6 on the same tables; the
    reason of the earlier one is asked after the later ones are written, so it names them."""
    floor = Floor(conn)
    for number, capacity in [("A1", 2), ("A2", 2), ("A3", 4)]:
        floor.table(number, capacity)
    floor.adjacent("A1", "A2")
    floor.adjacent("A2", "A3")
    hana = floor.person("Hana Host", "host")
    six = floor.booking(party_size=6, minutes=120, guest="Six early")
    later = [
        floor.booking(party_size=size, start=EVENING + timedelta(minutes=30), guest=guest)
        for size, guest in [(2, "Two later"), (2, "Two more"), (4, "Four later")]
    ]
    rows = {row["booking_id"]: row for row in pending(conn, hana, floor.id)}
    assert [rows[b]["outcome"] for b in later] == ["assigned"] * 3
    assert rows[six]["outcome"] == "no_fit"
    reason = rows[six]["reason"]
    assert reason.startswith("The tables that would seat a party of 6 are taken for its time:"), reason
    assert all(guest in reason for guest in ("Two later", "Two more", "Four later")), reason
    assert [r for r in pending(conn, hana, floor.id) if r["outcome"] == "assigned"] == []
    assert overlapping_allocations(conn) == [] and integrity(conn) == []


def test_the_batch_says_a_past_booking_is_over(conn, floor):
    hana = floor.staff["Hana Host"]
    start = conn.execute("SELECT date_trunc('minute', now()) - interval '4 hours'").fetchone()[0]
    past = floor.booking(party_size=2, start=start, minutes=90)
    rows = pending(conn, hana, floor.id, start - timedelta(minutes=1), start + timedelta(minutes=1))
    assert [(r["booking_id"], r["outcome"]) for r in rows] == [(past, "no_fit")]
    assert "The booking's time is over" in rows[0]["reason"], rows[0]["reason"]


def test_suggestions_and_batch_reasons_list_tables_in_natural_order(conn):
    floor = Floor(conn)
    floor.table("9", 2)
    floor.table("11", 2)
    floor.adjacent("9", "11")
    hana = floor.person("Hana Host", "host")
    booking = floor.booking(party_size=4)
    assert [r["table_numbers"] for r in suggest(conn, hana, booking)] == [["9", "11"]]
    (row,) = pending(conn, hana, floor.id)
    assert row["reason"] == "Seated at 9 + 11: 4 seats for a party of 4.", row


def test_a_booking_whose_time_is_over_does_not_take_the_table_of_one_that_can_sit(conn):
    """Only one table: P ended ten minutes ago (its window, with the turnover buffer, overlaps
    Q's), Q sits now. The plan leaves P out (the engine would refuse it), so Q is seated, and
    P's reason says its time is over."""
    floor = Floor(conn)
    floor.table("11", 4)
    hana = floor.person("Hana Host", "host")
    now = conn.execute("SELECT date_trunc('minute', now())").fetchone()[0]
    past = floor.booking(party_size=4, start=now - timedelta(minutes=100), minutes=90)
    current = floor.booking(party_size=4, start=now - timedelta(minutes=30), minutes=120)
    rows = {r["booking_id"]: r for r in pending(conn, hana, floor.id, now - timedelta(hours=3), now)}
    assert rows[current]["outcome"] == "assigned", rows[current]
    assert rows[past]["outcome"] == "no_fit" and "time is over" in rows[past]["reason"], rows[past]
    assert integrity(conn) == []


def test_the_batch_stops_searching_once_the_branch_and_bound_proves_its_plan(conn):
    """An evening the upper bound overrates: two couples want the one two-top A, two parties of 8
    the one eight-top B, and the first 8 overlaps both a couple and the second 8. Per segment the
    bound counts tables, not which: over the couples' time A and B are usable (3 bookings, 2
    tables), over the eights' overlap only B, so it allows both couples and the second 8: 3. Any
    plan seats 2. The four rule orders find 2; the branch and bound then searches its whole tree
    for 3, proving 2 the optimum, and the batch stops there instead of running 16 shuffles."""
    floor = Floor(conn)
    floor.table("A", 2)
    floor.table("B", 8)
    hana = floor.person("Hana Host", "host")
    couples = [floor.booking(party_size=2, minutes=90, guest=f"Couple {n}") for n in (1, 2)]
    first_eight = floor.booking(party_size=8, minutes=150, guest="Eight early")
    second_eight = floor.booking(party_size=8, start=EVENING + timedelta(minutes=120), minutes=120, guest="Eight late")
    conn.execute("SET track_functions = 'pl'")
    with conn.transaction():
        rows = pending(conn, hana, floor.id)
        calls = dict(
            conn.execute(
                "SELECT funcname, calls FROM pg_stat_xact_user_functions"
                " WHERE schemaname = 'seating' AND funcname IN ('_plan_batch', '_plan_branch', '_plan_bound')"
            ).fetchall()
        )
    conn.execute("RESET track_functions")
    outcomes = {row["booking_id"]: row["outcome"] for row in rows}
    assert sorted(outcomes.values()) == ["assigned", "assigned", "no_fit", "no_fit"], rows
    assert [outcomes[b] for b in couples].count("assigned") == 1
    assert [outcomes[first_eight], outcomes[second_eight]].count("assigned") == 1
    bound = conn.execute(
        "SELECT seating._plan_bound(ARRAY[1, 1, 1, 3], ARRAY[1, 3, 1, 4], ARRAY[1, 2, 3, 4], ARRAY[1, 2, 3, 4],"
        " ARRAY[1, 1, 2, 2], 1, 2, 4)"
    ).fetchone()[0]
    assert bound == 3  # the same evening by hand: segments 18:00 / 19:45 / 20:00 / 20:45 / 22:15
    assert calls == {"_plan_bound": 1, "_plan_batch": 4, "_plan_branch": 1}, calls
    assert integrity(conn) == []
