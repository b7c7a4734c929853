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

from tests.support import EVENING, Floor, call, hold

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
