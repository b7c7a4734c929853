"""Plans are generic and cached per connection: made while the statistics said there were no
holds (the start of an evening), they must still find a booking's blockers by index, not by
reading every hold and every HELD session of the chain on each call."""

import re

from tests.support import call, expire_hold, hold


def test_blocker_lookups_stay_on_indexes_when_planned_before_any_hold(conn, floor):
    hana, hugo = floor.staff["Hana Host"], floor.staff["Hugo Host"]
    booking = floor.booking(party_size=2)
    conn.execute("ANALYZE seating.table_holds")
    conn.execute("ANALYZE seating.manual_assignment_sessions")
    plans: list[str] = []
    conn.add_notice_handler(lambda diagnostic: plans.append(diagnostic.message_primary or ""))
    conn.execute("LOAD 'auto_explain'")
    for setting in (
        "auto_explain.log_min_duration = 0",
        "auto_explain.log_nested_statements = on",
        "client_min_messages = log",
    ):
        conn.execute(f"SET {setting}")

    # The floor-plan context plans the shared blocker lookup first, then the hold path reuses it.
    call(conn, "get_assignment_context", hana, booking)
    hugos = hold(conn, hugo, floor.booking(), floor.ids("T3"))
    result = hold(conn, hana, booking, floor.ids("T3"))
    # The sweeper, which sets nothing of its own, is the first to release a hold.
    expire_hold(conn, hugos["id"])
    assert conn.execute("SELECT api.expire_sessions()").fetchone()[0] == 1

    assert result["status"] == "PROPOSED"  # the plans ran, and found Hugo's hold
    # Each call probes first (a blocker is possible?); only Hana's found one and named it.
    probe_plans = [p for p in plans if "a.hold_id IS DISTINCT FROM" in p]
    naming_plans = [p for p in plans if "WITH ledger AS" in p]
    assert len(probe_plans) >= 3 and naming_plans
    for plan in probe_plans + naming_plans:
        # the ledger is looked up by the selected tables, never read from the window's start on
        assert re.search(r"Cond: \(\(table_id = ANY \(\$\d+\)\) AND \(upper\(during\) > lower", plan), plan
        assert "Seq Scan on table_holds" not in plan
        assert "Seq Scan on manual_assignment_sessions" not in plan
        assert "manual_assignment_sessions_held_expiry_idx" not in plan
    release_plans = [p for p in plans if "DELETE FROM seating.table_holds" in p]
    assert release_plans
    for plan in release_plans:
        assert "Seq Scan on table_holds" not in plan
