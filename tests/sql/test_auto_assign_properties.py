"""Property tests of automatic assignment on generated floors: every suggestion passes the
engine; when brute force over every group of up to max_tables_per_booking tables finds one that
passes, there is a suggestion; auto_assign confirms only what the engine passes; results are
deterministic."""

import itertools
from datetime import timedelta

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.rows import dict_row

from tests.support import EVENING, Floor, call, hold, integrity, overlapping_allocations

floors = st.fixed_dictionaries(
    {
        "mode": st.sampled_from(["connected", "pairwise", "hub"]),
        "slack_budget": st.one_of(st.none(), st.integers(0, 4)),
        "max_tables": st.integers(1, 3),
        "tables": st.lists(
            st.tuples(st.integers(1, 6), st.sampled_from(["A", "B"]), st.booleans(), st.booleans()),
            min_size=1,
            max_size=7,
        ),
        "edges": st.sets(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=12),
        "party": st.integers(1, 10),
        "maintenance": st.one_of(st.none(), st.integers(0, 6)),
        "held": st.one_of(st.none(), st.integers(0, 6)),
        "assigned": st.one_of(st.none(), st.integers(0, 6)),
        "require_adjacency": st.sampled_from([None, False]),
    }
)


def build(conn, spec):
    floor = Floor(
        conn, adjacency_mode=spec["mode"], slack_budget=spec["slack_budget"], max_tables_per_booking=spec["max_tables"]
    )
    numbers = []
    for i, (capacity, zone, fixed, inactive) in enumerate(spec["tables"]):
        numbers.append(f"T{i}")
        floor.table(
            f"T{i}",
            capacity,
            zone=zone,
            mobility="fixed" if fixed and i % 2 else "movable",
            active=not (inactive and i % 3 == 2),
        )
    for a, b in spec["edges"]:
        if a < b < len(numbers):
            floor.adjacent(numbers[a], numbers[b])
    host = floor.person("Hana Host", "host")
    other = floor.person("Hugo Host", "host")
    booking = floor.booking(party_size=spec["party"])
    if spec["maintenance"] is not None and spec["maintenance"] < len(numbers):
        conn.execute(
            "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
            " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s), 'wobbly leg')",
            (floor.id, floor.tables[numbers[spec["maintenance"]]], EVENING, EVENING + timedelta(hours=1)),
        )
    for key, staff in (("held", other), ("assigned", other)):
        index = spec[key]
        if index is not None and index < len(numbers):
            neighbour = floor.booking(party_size=1, start=EVENING + timedelta(minutes=30))
            taken = hold(conn, staff, neighbour, [floor.tables[numbers[index]]], False)
            if key == "assigned" and taken["status"] == "HELD":
                call(conn, "confirm_session", staff, taken["id"])
    return floor, host, booking, numbers


def suggestions(conn, host, booking, require_adjacency):
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT * FROM api.suggest_tables(%s, %s, 50, %s)", (host, booking, require_adjacency)
        ).fetchall()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=floors)
def test_suggestions_and_auto_assign_agree_with_the_engine(conn, spec):
    floor, host, booking, numbers = build(conn, spec)
    adjacency = spec["require_adjacency"]
    rows = suggestions(conn, host, booking, adjacency)
    for row in rows:
        assert call(conn, "evaluate_selection", booking, row["table_ids"], adjacency)["passed"], row
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert suggestions(conn, host, booking, adjacency) == rows  # deterministic

    found = None
    for size in range(1, spec["max_tables"] + 1):
        for group in itertools.combinations(floor.ids(*numbers), size):
            if call(conn, "evaluate_selection", booking, list(group), adjacency)["passed"]:
                found = group
                break
        if found:
            break
    assert bool(rows) == bool(found), (found, rows)

    try:
        session = call(conn, "auto_assign", host, booking, adjacency)
    except psycopg.Error as error:
        assert error.diag.sqlstate == "SA014" and not rows
    else:
        assert rows and session["status"] == "CONFIRMED"
        assert [str(t) for t in rows[0]["table_ids"]] == session["proposed_tables"]
        assert not [c for c in session["checks"] if c["severity"] == "error"]


evenings = st.fixed_dictionaries(
    {
        "floor": floors,
        # (party size, start in quarter hours after the evening's first booking, minutes)
        "bookings": st.lists(
            st.tuples(st.integers(1, 8), st.integers(0, 8), st.sampled_from([60, 90, 120])), min_size=1, max_size=6
        ),
    }
)


def passing_groups(conn, booking, tables, max_tables):
    """Brute force: every group of up to max_tables of the floor's tables the engine passes now."""
    return [
        group
        for size in range(1, max_tables + 1)
        for group in itertools.combinations(tables, size)
        if call(conn, "evaluate_selection", booking, list(group), None)["passed"]
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=evenings)
def test_the_batch_plan_agrees_with_the_engine(conn, spec):
    """The batch plans on a model of the rules (candidate groups free of blockers, no table shared
    by bookings whose windows overlap). Whatever it writes the engine passed; whatever it leaves out
    has no selection the engine passes afterwards (brute force), so the model never left a seat the
    engine would have given; the plan is deterministic and a second run changes nothing."""
    floor, host, _first, numbers = build(conn, spec["floor"])
    for party, quarter, minutes in spec["bookings"]:
        floor.booking(party_size=party, start=EVENING + timedelta(minutes=15 * quarter), minutes=minutes)
    window = (floor.id, EVENING - timedelta(hours=1), EVENING + timedelta(hours=6))

    def run():
        with conn.cursor(row_factory=dict_row) as cur:
            return cur.execute("SELECT * FROM api.auto_assign_pending(%s, %s, %s, %s)", (host, *window)).fetchall()

    with conn.transaction(force_rollback=True):
        rehearsal = run()
    rows = run()
    assert rows == rehearsal  # deterministic
    tables = floor.ids(*numbers)
    for row in rows:
        if row["outcome"] == "assigned":
            assert call(conn, "evaluate_selection", row["booking_id"], row["table_ids"], None)["passed"], row
        elif "is holding tables" not in row["reason"]:
            assert passing_groups(conn, row["booking_id"], tables, spec["floor"]["max_tables"]) == [], row
    assert overlapping_allocations(conn) == [] and integrity(conn) == []
    assert [r for r in run() if r["outcome"] == "assigned"] == []  # running it again changes nothing
