"""The response shapes are defined once in SQL (api functions' columns, the JSON they build) and
described once in Python (app/schemas.py, which the OpenAPI schema shows). This test holds the
two together: every column and every JSON key the functions return is a property of the OpenAPI
schema, and every property is returned. A field added, renamed or dropped on one side only fails.

The rule between them (app/schemas.py from_row): a column is the struct field of the same name,
whose wire name is its camelCase; JSON built in SQL is in wire names already."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from app.schemas import camel
from tests.support import EVENING, call, hold

# Columns that are not part of the body: `created` becomes the status code (201 or 200).
NOT_IN_BODY = {"created"}


class Shapes:
    """The keys seen for each schema component, walking values alongside the OpenAPI schema."""

    def __init__(self, openapi: dict[str, Any]):
        self.components = openapi["components"]["schemas"]
        self.seen: dict[str, list[set[str]]] = defaultdict(list)

    def walk(self, value: Any, schema: dict[str, Any]) -> None:
        if value is None:
            return
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            self.walk_object(value, name)
        elif "oneOf" in schema or "anyOf" in schema:
            for option in schema.get("oneOf") or schema["anyOf"]:
                if option.get("type") != "null":
                    self.walk(value, option)
        elif schema.get("type") == "array" and isinstance(value, list):
            for item in value:
                self.walk(item, schema["items"])

    def walk_object(self, value: dict[str, Any], name: str) -> None:
        schema = self.components[name]
        assert isinstance(value, dict), (name, value)
        self.seen[name].append(set(value))
        for key, item in value.items():
            if key in schema.get("properties", {}):
                self.walk(item, schema["properties"][key])

    def row(self, row: dict[str, Any], name: str) -> None:
        """A function's result row: its columns under their wire names."""
        self.walk_object({camel(column): v for column, v in row.items() if column not in NOT_IN_BODY}, name)

    def drift(self) -> dict[str, dict[str, set[str]]]:
        """Per component: properties never returned, keys not described, required keys missing."""
        found = {}
        for name, observations in self.seen.items():
            properties = set(self.components[name].get("properties", {}))
            required = set(self.components[name].get("required", []))
            returned: set[str] = set().union(*observations)
            always: set[str] = set.intersection(*observations)
            problems = {
                "never returned": properties - returned,
                "not in OpenAPI": returned - properties,
                "required but missing": required - always,
            }
            if any(problems.values()):
                found[name] = {k: v for k, v in problems.items() if v}
        return found


def test_what_the_functions_return_is_what_openapi_describes(client, conn, floor, tokens):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    # Every kind of blocker on the floor: maintenance, another booking's assignment, another's hold.
    conn.execute(
        "INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)"
        " VALUES (%s, %s, 'maintenance', tstzrange(%s, %s), 'floor polish')",
        (floor.id, floor.tables["T7"], EVENING - timedelta(hours=2), EVENING + timedelta(hours=4)),
    )
    conn.execute(
        "UPDATE seating.table_inventory SET position_x = 1, position_y = 2 WHERE id = %s", (floor.tables["T1"],)
    )
    seated = floor.booking()
    call(conn, "confirm_session", hugo, hold(conn, hugo, seated, floor.ids("T2"))["id"])
    hold(conn, hugo, floor.booking(), floor.ids("T4"))

    booking = floor.booking(party_size=2)
    shapes = Shapes(client.get("/schema/openapi.json").json())
    proposed = hold(conn, hana, booking, floor.ids("T2"))  # PROPOSED: T2 is taken
    held = hold(conn, hana, booking, floor.ids("T1"))
    context = call(conn, "get_assignment_context", hana, booking)  # with Hana's active session
    confirmed = call(conn, "confirm_session", hana, held["id"])
    cancelled = call(conn, "cancel_session", hana, hold(conn, hana, floor.booking(), floor.ids("T3"))["id"])
    for row in (proposed, held, confirmed, cancelled, call(conn, "get_session", hana, held["id"])):
        shapes.row(row, "Session")
    shapes.row(context, "AssignmentContext")

    assert shapes.drift() == {}
    # the walk reached every shape the responses have
    assert {
        "Session",
        "Check",
        "Assignment",
        "AssignmentContext",
        "RestaurantView",
        "BookingView",
        "Window",
        "Zone",
        "FloorTable",
        "Position",
        "Blocker",
    } <= set(shapes.seen)
