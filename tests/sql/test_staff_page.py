"""The staff page's functions (DESIGN §11): the day's bookings, event tickets, and the
NOTIFY that every change of the ledger, sessions, bookings and tables sends."""

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest

from tests.support import EVENING, call, hold, raises_code, standard_floor


@pytest.fixture
def floor(conn):
    return standard_floor(conn, timezone="Europe/Rome")


def rows(conn, function, *args):
    placeholders = ", ".join(["%s"] * len(args))
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return cur.execute(f"SELECT * FROM api.{function}({placeholders})", args).fetchall()


def redeem(conn, restaurant_id, ticket):
    """api.redeem_event_ticket as the app calls it: with the ticket's SHA-256 (None: no ticket)."""
    digest = hashlib.sha256(ticket.encode()).digest() if ticket is not None else None
    return conn.execute("SELECT api.redeem_event_ticket(%s, %s)", (restaurant_id, digest))


def test_list_bookings_is_the_restaurants_local_day_with_current_tables(conn, floor):
    hana = floor.staff["Hana Host"]
    # 2030-06-01 in Rome (UTC+2) runs from 2030-05-31 22:00 UTC to 2030-06-01 22:00 UTC.
    floor.booking(start=datetime(2030, 5, 31, 22, 0, tzinfo=UTC), guest="Early")
    seated = floor.booking(party_size=6, guest="Seated")
    closed = floor.booking(status="cancelled", guest="Gone")
    floor.booking(start=datetime(2030, 6, 1, 22, 0, tzinfo=UTC), guest="Next day")
    floor.table("T10", 2)
    floor.adjacent("T2", "T10")
    session = hold(conn, hana, seated, floor.ids("T10", "T2", "T1"))
    assert session["status"] == "HELD"
    call(conn, "confirm_session", hana, session["id"])

    listed = rows(conn, "list_bookings", hana, floor.id, date(2030, 6, 1))
    assert [b["guest_name"] for b in listed] == ["Early", "Gone", "Seated"]
    by_guest = {b["guest_name"]: b for b in listed}
    assert by_guest["Early"]["needs_tables"] and by_guest["Early"]["table_ids"] == []
    assert not by_guest["Gone"]["needs_tables"]  # a cancelled booking needs nothing
    assert by_guest["Seated"]["table_numbers"] == ["T1", "T2", "T10"]  # natural order
    assert by_guest["Seated"]["table_ids"] == floor.ids("T1", "T2", "T10")
    assert not by_guest["Seated"]["needs_tables"] and by_guest["Seated"]["assignment_issues"] == []
    assert set(listed[0]) == {
        "id",
        "guest_name",
        "party_size",
        "start_at",
        "end_at",
        "status",
        "table_ids",
        "table_numbers",
        "needs_tables",
        "assignment_issues",
    }
    assert closed in {b["id"] for b in listed}

    # The party grew past its tables: the tables stay, the issue shows.
    conn.execute("UPDATE seating.bookings SET party_size = 12 WHERE id = %s", (seated,))
    grown = next(b for b in rows(conn, "list_bookings", hana, floor.id, date(2030, 6, 1)) if b["id"] == seated)
    assert grown["table_numbers"] == ["T1", "T2", "T10"] and not grown["needs_tables"]
    assert [i["id"] for i in grown["assignment_issues"]] == ["capacity"]
    # Closed and reopened, it comes back without tables: its old ones are history.
    conn.execute("UPDATE seating.bookings SET status = 'cancelled' WHERE id = %s", (seated,))
    conn.execute("UPDATE seating.bookings SET status = 'pending' WHERE id = %s", (seated,))
    reopened = next(b for b in rows(conn, "list_bookings", hana, floor.id, date(2030, 6, 1)) if b["id"] == seated)
    assert reopened["table_ids"] == [] and reopened["needs_tables"] and reopened["assignment_issues"] == []
    assert rows(conn, "list_bookings", floor.staff["Sam Server"], floor.id, date(2030, 6, 3)) == []


def test_list_bookings_refuses_outsiders_and_bad_input(conn, floor):
    with raises_code("FORBIDDEN") as denied:
        rows(conn, "list_bookings", floor.staff["Otto Outsider"], floor.id, date(2030, 6, 1))
    assert str(floor.id) not in json.dumps(denied.details)
    with raises_code("FORBIDDEN"):  # no such restaurant reads the same as someone else's
        rows(conn, "list_bookings", floor.staff["Hana Host"], "00000000-0000-0000-0000-000000000000", date(2030, 6, 1))
    with raises_code("INVALID_INPUT"):
        rows(conn, "list_bookings", floor.staff["Hana Host"], floor.id, None)
    with raises_code("INVALID_INPUT"):
        conn.execute("SELECT * FROM api.list_bookings(%s, %s, 'infinity'::date)", (floor.staff["Hana Host"], floor.id))


def test_event_tickets_are_single_use_short_lived_and_per_restaurant(conn, floor):
    sam = floor.staff["Sam Server"]
    issued = call(conn, "issue_event_ticket", sam, floor.id)
    assert issued["ticket"].startswith("set_")
    assert (
        timedelta(seconds=1)
        < issued["expires_at"] - conn.execute("SELECT now()").fetchone()[0]
        <= timedelta(seconds=30)
    )
    stored = conn.execute("SELECT ticket_hash FROM seating.event_tickets").fetchall()
    assert len(stored) == 1 and issued["ticket"].encode() not in stored[0][0]

    other = standard_floor(conn)
    with raises_code("UNAUTHENTICATED"):  # a ticket is for its own restaurant only
        redeem(conn, other.id, issued["ticket"])
    assert redeem(conn, floor.id, issued["ticket"]).fetchone()[0] == sam
    with raises_code("UNAUTHENTICATED"):  # used
        redeem(conn, floor.id, issued["ticket"])
    with raises_code("UNAUTHENTICATED"):
        redeem(conn, floor.id, None)

    late = call(conn, "issue_event_ticket", sam, floor.id)
    conn.execute(
        "UPDATE seating.event_tickets"
        " SET created_at = now() - interval '1 minute', expires_at = now() - interval '1 second'"
    )
    with raises_code("UNAUTHENTICATED"):  # expired
        redeem(conn, floor.id, late["ticket"])
    call(conn, "issue_event_ticket", sam, floor.id)
    assert conn.execute("SELECT count(*) FROM seating.event_tickets WHERE expires_at <= now()").fetchone()[0] == 0

    with raises_code("FORBIDDEN"):
        call(conn, "issue_event_ticket", floor.staff["Otto Outsider"], floor.id)
    revoked = call(conn, "issue_event_ticket", sam, floor.id)
    conn.execute("DELETE FROM seating.restaurant_memberships WHERE staff_id = %s", (sam,))
    with raises_code("FORBIDDEN"):  # no longer a member
        redeem(conn, floor.id, revoked["ticket"])


@pytest.fixture
def listener(db_url):
    with psycopg.connect(db_url, autocommit=True) as connection:
        connection.execute("LISTEN seating_changes")
        yield connection


def received(listener) -> list[dict]:
    """Every notification delivered so far (each committed statement's are already queued)."""
    return [json.loads(n.payload) for n in listener.notifies(timeout=0.2, stop_after=1000)]


def test_one_notification_per_statement_and_restaurant(conn, floor, listener):
    other = standard_floor(conn)
    received(listener)
    # A DBA blocks four tables in two restaurants with one statement.
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " SELECT restaurant_id, id, 'maintenance', tstzrange(%s, %s), 'wobbly leg' FROM seating.table_inventory"
        " WHERE table_number IN ('T1', 'T2')",
        (EVENING, EVENING + timedelta(hours=1)),
    )
    changes = received(listener)
    assert len(changes) == 2
    mine = next(c for c in changes if c["restaurantId"] == str(floor.id))
    assert mine == {
        "restaurantId": str(floor.id),
        "kind": "ledger",
        "op": "insert",
        "bookingIds": [],
        "tableIds": sorted(str(t) for t in floor.ids("T1", "T2")),
        "ledgerKinds": ["maintenance"],
    }
    assert {c["restaurantId"] for c in changes} == {str(floor.id), str(other.id)}


def test_a_hold_a_confirm_and_a_moved_booking_are_notified(conn, floor, listener):
    booking = floor.booking(party_size=4)
    received(listener)
    session = hold(conn, floor.staff["Hana Host"], booking, floor.ids("T1", "T2"))
    held = received(listener)
    assert {(c["kind"], c["op"]) for c in held} == {("ledger", "insert")}
    ledger = next(c for c in held if c["kind"] == "ledger")
    assert ledger["bookingIds"] == [str(booking)] and ledger["ledgerKinds"] == ["hold"]
    assert ledger["tableIds"] == sorted(str(t) for t in floor.ids("T1", "T2"))

    call(conn, "confirm_session", floor.staff["Hana Host"], session["id"])
    confirmed = received(listener)
    assert any(c["kind"] == "ledger" and "assignment" in c["ledgerKinds"] for c in confirmed)
    assert any(c["kind"] == "booking" and c["bookingIds"] == [str(booking)] for c in confirmed)

    conn.execute(
        "UPDATE seating.bookings SET start_at = start_at + interval '15 minutes',"
        " end_at = end_at + interval '15 minutes' WHERE id = %s",
        (booking,),
    )
    assert any(c["kind"] == "booking" and c["op"] == "update" for c in received(listener))
    conn.execute("UPDATE seating.table_inventory SET active = false WHERE id = %s", (floor.tables["T7"],))
    assert received(listener) == [
        {
            "restaurantId": str(floor.id),
            "kind": "table",
            "op": "update",
            "bookingIds": [],
            "tableIds": [str(floor.tables["T7"])],
        }
    ]


def test_a_statement_that_changes_nothing_notifies_nothing_and_big_ones_stay_small(conn, floor, listener):
    received(listener)
    conn.execute("UPDATE seating.bookings SET guest_name = 'x' WHERE false")
    assert received(listener) == []
    for n in range(300):
        floor.table(f"B{n}", 2)
    received(listener)
    conn.execute("UPDATE seating.table_inventory SET capacity = capacity WHERE restaurant_id = %s", (floor.id,))
    (change,) = received(listener)
    assert change["truncated"] is True and "tableIds" not in change
