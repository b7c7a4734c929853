"""The staff page's routes (DESIGN §11): every status, the event stream over real connections
(tickets, one event per change, no cross-restaurant event, a burst past the queue as one resync, a
slow client dropped, shutdown with
streams open) and the page itself."""

import json
import socket
import uuid
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tests.http.test_api import assert_error, hold
from tests.live import EventReader, live_server
from tests.support import call, standard_floor

DAY = "2030-06-01"  # the standard floor's bookings start on its evening


def bookings_url(restaurant):
    return f"/api/staff/restaurants/{restaurant}/bookings"


def test_bookings_of_the_day(client, floor, tokens):
    booking = floor.booking(party_size=2, guest="Ada Lovelace")
    session = hold(client, tokens["Hana Host"], booking, floor.ids("T1")).json()
    client.put(f"/api/staff/manual/session/{session['id']}/confirm", headers=tokens["Hana Host"])
    waiting = floor.booking(party_size=4, guest="Alan Turing")

    response = client.get(bookings_url(floor.id), params={"date": DAY}, headers=tokens["Sam Server"])
    assert response.status_code == 200
    listed = response.json()["bookings"]
    assert [b["id"] for b in listed] == [str(booking), str(waiting)]
    assert set(listed[0]) == {
        "id",
        "guestName",
        "partySize",
        "startAt",
        "endAt",
        "status",
        "tableIds",
        "tableNumbers",
        "needsTables",
        "assignmentIssues",
    }
    assert listed[0]["tableNumbers"] == ["T1"] and listed[0]["status"] == "confirmed" and not listed[0]["needsTables"]
    assert listed[1]["tableIds"] == [] and listed[1]["needsTables"]
    assert client.get(bookings_url(floor.id), params={"date": "2030-06-02"}, headers=tokens["Sam Server"]).json() == {
        "bookings": []
    }


@pytest.mark.parametrize(
    "query", [{}, {"date": "2030-13-01"}, {"date": "tomorrow"}, {"date": "2030-06-01T00:00"}, {"date": ""}]
)
def test_bookings_need_a_calendar_date(client, floor, tokens, query):
    assert_error(client.get(bookings_url(floor.id), params=query, headers=tokens["Hana Host"]), 400, "INVALID_INPUT")


def test_bookings_statuses(client, floor, tokens):
    assert_error(
        client.get(bookings_url("not-a-uuid"), params={"date": DAY}, headers=tokens["Hana Host"]), 400, "INVALID_INPUT"
    )
    assert_error(client.get(bookings_url(floor.id), params={"date": DAY}), 401, "UNAUTHENTICATED")
    denied = assert_error(
        client.get(bookings_url(floor.id), params={"date": DAY}, headers=tokens["Otto Outsider"]), 403, "FORBIDDEN"
    )
    assert str(floor.id) not in json.dumps(denied)
    assert_error(
        client.get(bookings_url(uuid.uuid4()), params={"date": DAY}, headers=tokens["Hana Host"]), 403, "FORBIDDEN"
    )


def tickets_url(restaurant):
    return f"/api/staff/restaurants/{restaurant}/event-tickets"


def test_event_ticket_statuses(client, floor, tokens):
    response = client.post(tickets_url(floor.id), headers=tokens["Sam Server"])
    assert response.status_code == 201
    assert set(response.json()) == {"ticket", "expiresAt"}
    assert_error(client.post(tickets_url(floor.id)), 401, "UNAUTHENTICATED")
    assert_error(client.post(tickets_url(floor.id), headers=tokens["Otto Outsider"]), 403, "FORBIDDEN")
    assert_error(client.post(tickets_url("x"), headers=tokens["Hana Host"]), 400, "INVALID_INPUT")


def events_url(restaurant, ticket=None):
    return f"/api/staff/restaurants/{restaurant}/events" + (f"?ticket={ticket}" if ticket else "")


def ticket(client, restaurant, headers):
    return client.post(tickets_url(restaurant), headers=headers).json()["ticket"]


def test_event_stream_refusals(client, conn, floor, tokens):
    assert_error(client.get(events_url(floor.id)), 401, "UNAUTHENTICATED")
    assert_error(client.get(events_url(floor.id, "set_unknown")), 401, "UNAUTHENTICATED")
    assert_error(client.get(events_url("nope", "set_x")), 400, "INVALID_INPUT")
    other = standard_floor(conn)
    assert_error(
        client.get(events_url(other.id, ticket(client, floor.id, tokens["Hana Host"]))), 401, "UNAUTHENTICATED"
    )
    expired = ticket(client, floor.id, tokens["Hana Host"])
    conn.execute(
        "UPDATE seating.event_tickets"
        " SET created_at = now() - interval '1 minute', expires_at = now() - interval '1 second'"
    )
    assert_error(client.get(events_url(floor.id, expired)), 401, "UNAUTHENTICATED")
    revoked = ticket(client, floor.id, tokens["Sam Server"])
    conn.execute("DELETE FROM seating.restaurant_memberships WHERE staff_id = %s", (floor.staff["Sam Server"],))
    assert_error(client.get(events_url(floor.id, revoked)), 403, "FORBIDDEN")


def test_the_page_is_served_without_anything_from_elsewhere(client):
    page = client.get("/staff")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'type="module"' in page.text
    static = Path(__file__).resolve().parents[2] / "app" / "static"
    for path in static.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert "http://" not in text and "https://" not in text and "//cdn" not in text, path
            assert client.get(f"/staff/{path.relative_to(static).as_posix()}").status_code == 200
    assert "/api/staff/me" in client.get("/schema/openapi.json").text


# --- the event stream over real connections -----------------------------------------------------


@pytest.fixture
def server(settings):
    with live_server(replace(settings, event_queue_size=4, event_keepalive_seconds=0.5)) as running:
        yield running


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url) as c:
        yield c


def open_stream(http, restaurant, headers) -> EventReader:
    reader = EventReader(http, events_url(restaurant, ticket(http, restaurant, headers)))
    assert reader.response.status_code == 200
    assert reader.response.headers["content-type"].startswith("text/event-stream")
    assert reader.next_event("ready")[0] == "ready"
    return reader


def test_each_change_is_an_event_for_its_own_restaurant_only(http, conn, floor, tokens):
    other = standard_floor(conn)
    other_token = {
        "Authorization": f"Bearer {call(conn, 'issue_staff_token', other.staff['Hana Host'])['issue_staff_token']}"
    }
    mine = open_stream(http, floor.id, tokens["Hugo Host"])
    theirs = open_stream(http, other.id, other_token)

    booking = floor.booking(party_size=4)  # an INSERT into bookings: the first change
    assert mine.next_event("booking")[0] == "booking"
    hold(http, tokens["Hana Host"], booking, floor.ids("T1", "T2"))
    event, data = mine.next_event("ledger")
    change = json.loads(data)
    assert change["restaurantId"] == str(floor.id) and change["bookingIds"] == [str(booking)]
    assert change["tableIds"] == sorted(str(t) for t in floor.ids("T1", "T2")) and change["ledgerKinds"] == ["hold"]

    # The other restaurant's stream saw none of it: its next event is its own change.
    other.booking()
    event, data = theirs.next_event("ledger", "booking", "table")
    assert event == "booking" and json.loads(data)["restaurantId"] == str(other.id)
    mine.close()
    theirs.close()


def test_a_ticket_opens_one_stream_and_silence_sends_keepalive_comments(http, floor, tokens):
    used = ticket(http, floor.id, tokens["Hana Host"])
    reader = EventReader(http, events_url(floor.id, used))
    assert reader.next_event("ready")[0] == "ready"
    assert http.get(events_url(floor.id, used)).status_code == 401
    assert reader.next() == ("comment", "keepalive")
    reader.close()


def test_a_slow_client_is_dropped_and_never_slows_the_others(http, server, conn, floor, tokens):
    fast = open_stream(http, floor.id, tokens["Hana Host"])
    # The slow client: a real connection that asks for the stream, then never reads.
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", server.port))
    slow_ticket = ticket(http, floor.id, tokens["Hugo Host"])
    slow.sendall(f"GET {events_url(floor.id, slow_ticket)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    conn.execute("UPDATE seating.table_inventory SET capacity = capacity WHERE id = %s", (floor.tables["T1"],))
    assert fast.next_event("table")[0] == "table"
    while server.broadcaster.streams < 2:  # the slow client's request is still on its way in
        fast.next()

    # Each change is big (near NOTIFY's limit) and the fast client reads every one before the next.
    # The slow client's socket buffers fill, then its queue of 4, which becomes one resync; left
    # unread for a keepalive period (0.5 s here), it is dropped at the next change.
    padding = "x" * 7000
    sent = 0
    while server.broadcaster.streams == 2:
        assert sent < 20000, "the slow client was never dropped"
        conn.execute(
            "SELECT pg_notify('seating_changes', %s)",
            (json.dumps({"restaurantId": str(floor.id), "kind": "table", "n": sent, "padding": padding}),),
        )
        event, data = fast.next_event("table", "dropped")
        assert event == "table" and json.loads(data)["n"] == sent
        sent += 1
    assert server.broadcaster.dropped == 1 and server.broadcaster.streams == 1

    # The slow client, reading at last, finds its stream cut short with `dropped`.
    slow.settimeout(30)
    received = b""
    while b"event: dropped" not in received:
        chunk = slow.recv(1 << 20)
        assert chunk, "the slow client's stream ended without saying it was dropped"
        received += chunk
    assert received.count(b"event: table") < sent
    slow.close()
    fast.close()


def test_a_burst_past_the_queue_is_one_resync_and_the_stream_goes_on(http, server, conn, floor, tokens):
    """A transaction's notifications all arrive at its commit (a batch sends several per booking):
    ten in one transaction against a queue of 4. The stream stays open; what it could not queue
    comes as one `resync` (refetch), and the next change is an event again."""
    reader = open_stream(http, floor.id, tokens["Hana Host"])
    with conn.transaction():
        for n in range(10):
            conn.execute(
                "SELECT pg_notify('seating_changes', %s)",
                (json.dumps({"restaurantId": str(floor.id), "kind": "table", "n": n}),),
            )
    seen = []
    while True:
        event, data = reader.next_event("table", "resync", "dropped")
        seen.append((event, json.loads(data).get("n")))
        if event == "resync":
            break
        assert event == "table", seen
    assert len(seen) <= 5, seen  # at most the queue's 4, then the resync
    conn.execute(
        "SELECT pg_notify('seating_changes', %s)",
        (json.dumps({"restaurantId": str(floor.id), "kind": "table", "n": "after"}),),
    )
    assert [(e, json.loads(d).get("n")) for e, d in [reader.next_event("table", "resync", "dropped")]] == [
        ("table", "after")
    ]
    assert server.broadcaster.dropped == 0 and server.broadcaster.streams == 1
    reader.close()


def test_stopping_the_server_ends_open_streams(settings, floor, tokens):
    # timeout_graceful_shutdown is 60 s: a stop within the 30 s join proves the streams were ended.
    with live_server(settings) as running, httpx.Client(base_url=running.url) as c:
        reader = open_stream(c, floor.id, tokens["Hana Host"])
        running.stop()
        assert reader.next_event("ledger", "booking", "table") == ("end", "")
        reader.close()
