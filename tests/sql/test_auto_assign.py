"""Automatic assignment (DESIGN §12): suggestions, auto_assign and the batch, at the SQL level."""

from datetime import timedelta

from psycopg.rows import dict_row

from tests.support import EVENING, call, events, hold, overlapping_allocations, raises_code


def suggest(conn, staff, booking, limit=5, require_adjacency=None):
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("SELECT * FROM api.suggest_tables(%s, %s, %s, %s)",
                           (staff, booking, limit, require_adjacency)).fetchall()


def pending(conn, staff, restaurant, start=EVENING - timedelta(hours=1), end=EVENING + timedelta(hours=6)):
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("SELECT * FROM api.auto_assign_pending(%s, %s, %s, %s)",
                           (staff, restaurant, start, end)).fetchall()


def passes(conn, booking, table_ids, require_adjacency=None) -> bool:
    return call(conn, "evaluate_selection", booking, list(table_ids), require_adjacency)["passed"]


def test_suggestions_rank_fewest_empty_seats_then_fewest_tables(conn, floor):
    booking = floor.booking(party_size=4)
    rows = suggest(conn, floor.staff["Hana Host"], booking, limit=10)
    numbers = [r["table_numbers"] for r in rows]
    assert numbers[:4] == [["T3"], ["T4"], ["T7"], ["T8"]] or sorted(map(tuple, numbers[:4])) == [("T3",), ("T4",), ("T7",), ("T8",)]
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
    assert overlapping_allocations(conn) == []
    print(session)
