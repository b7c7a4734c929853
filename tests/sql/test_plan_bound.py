"""The batch plan's model (seating._plan_batch, seating._plan_bound, seating._plan_branch) against
brute force on small generated models: the plan is valid and seats no more than the optimum, and
the bound is never below the optimum and is exactly the floor of its relaxation's linear
programme (per segment, the seated bookings' least table counts within the usable tables),
solved here by CBC; stopped by its work budget, it is never below the exact one. The branch and
bound, given all the nodes it wants, is exact: it finds a plan seating the optimum, from any
hint, and none seating one more."""

import itertools
from datetime import UTC, datetime, timedelta

import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WIDTH = 3  # tables per candidate at most (the bound scales costs by lcm(1 .. WIDTH))

models = st.integers(1, 4).flatmap(
    lambda tables: st.fixed_dictionaries(
        {
            "tables": st.just(tables),
            "segments": st.integers(1, 6),
            "bookings": st.lists(
                st.tuples(
                    st.integers(1, 6),
                    st.integers(0, 3),
                    st.lists(
                        st.sets(st.integers(1, tables), min_size=1, max_size=WIDTH).map(sorted),
                        max_size=3,
                        unique_by=tuple,
                    ),
                ),
                min_size=1,
                max_size=7,
            ),
        }
    )
)


def arrays(model):
    """The model as seating._plan_batch takes it: windows clipped to the segments, candidates
    numbered from 1 in booking order, tables padded with 0 to WIDTH."""
    lo: list[int] = []
    hi: list[int] = []
    first: list[int] = []
    last: list[int] = []
    tables: list[int] = []
    for start, length, candidates in model["bookings"]:
        lo.append(min(start, model["segments"]))
        hi.append(min(start + length, model["segments"]))
        first.append(len(tables) // WIDTH + 1)
        for candidate in candidates:
            tables += candidate + [0] * (WIDTH - len(candidate))
        last.append(len(tables) // WIDTH)
    return lo, hi, first, last, tables


def overlap(lo, hi, i, j):
    return lo[i] <= hi[j] and lo[j] <= hi[i]


def optimum(model, lo, hi):
    """The most bookings any choice of one candidate each (or none) seats without a shared table."""
    choices = [[None, *candidates] for _start, _length, candidates in model["bookings"]]
    best = 0
    for pick in itertools.product(*choices):
        seated = [i for i, c in enumerate(pick) if c is not None]
        if len(seated) > best and all(
            not (set(pick[i]) & set(pick[j])) for i, j in itertools.combinations(seated, 2) if overlap(lo, hi, i, j)
        ):
            best = len(seated)
    return best


def relaxation(model, lo, hi):
    """The floor of: maximise sum(y_i), 0 <= y_i <= 1 for the bookings with a candidate, such that
    over each segment the y_i weighted by each booking's fewest tables of a candidate add up to
    no more than the tables some booking over that segment could use."""
    bookings = model["bookings"]
    usable = {
        s: {t for i, (_s, _l, cands) in enumerate(bookings) if lo[i] <= s <= hi[i] for c in cands for t in c}
        for s in range(1, model["segments"] + 1)
    }
    need = {i: min(len(c) for c in cands) for i, (_s, _l, cands) in enumerate(bookings) if cands}
    programme = pulp.LpProblem("bound", pulp.LpMaximize)
    y = {i: pulp.LpVariable(f"y{i}", 0, 1) for i in need}
    programme += pulp.lpSum(y.values())
    for s, tables in usable.items():
        programme += pulp.lpSum(need[i] * y[i] for i in need if lo[i] <= s <= hi[i]) <= len(tables)
    programme.solve(pulp.PULP_CBC_CMD(msg=0))
    assert pulp.LpStatus[programme.status] == "Optimal"
    return int((pulp.value(programme.objective) or 0) + 1e-6)


# pulp announces renames for 4.0; bench/auto_assign.py makes the same calls
@pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp.*")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model=models)
def test_the_bound_and_the_plan_against_brute_force(conn, model):
    lo, hi, first, last, tables = arrays(model)
    n, t, s = len(lo), model["tables"], model["segments"]
    bound = conn.execute(
        "SELECT seating._plan_bound(%s, %s, %s, %s, %s, %s, %s, %s)", (lo, hi, first, last, tables, WIDTH, t, s)
    ).fetchone()[0]
    classes = [1000 * sum(1 for x in tables[c * WIDTH : (c + 1) * WIDTH] if x) for c in range(len(tables) // WIDTH)]
    plan = conn.execute(
        "SELECT seating._plan_batch(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (list(range(1, n + 1)), lo, hi, first, last, tables, classes, WIDTH, t, s, 50, True, bound),
    ).fetchone()[0]

    def seated(plan):
        """How many the plan seats, each on one of its own candidates, no table shared in time."""
        used = {}
        for i, c in enumerate(plan):
            if c:
                assert first[i] <= c <= last[i], (i, c)
                used[i] = {x for x in tables[(c - 1) * WIDTH : c * WIDTH] if x}
        for i, j in itertools.combinations(used, 2):
            assert not (overlap(lo, hi, i, j) and used[i] & used[j]), (i, j, plan)
        return len(used)

    best = optimum(model, lo, hi)
    assert seated(plan) <= best <= bound
    assert bound == relaxation(model, lo, hi)
    branch = "SELECT plan, searched FROM seating._plan_branch(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    model_args = (lo, hi, first, last, tables, WIDTH, t, s)

    def search(hint, target, nodes=10**6, until=None):
        return conn.execute(branch, (hint, target, *model_args, nodes, until)).fetchone()

    for hint in (plan, [0] * n):
        found, _searched = search(hint, best)
        assert found is not None and seated(found) == best, (hint, found)
        beyond = search(hint, best + 1)
        assert beyond == (None, True), beyond  # searched through: a proof that none seats more
    # stopped by its budget or its clock before it could tell, it says so
    if best > 0:
        assert search([0] * n, best, nodes=0) == (None, False)
        assert search([0] * n, best, until=datetime.now(UTC) - timedelta(seconds=1)) == (None, False)
    # out of budget after a few arcs (as on an evening booked many times over): looser, still a bound
    hurried = conn.execute(
        "SELECT seating._plan_bound(%s, %s, %s, %s, %s, %s, %s, %s, 3)", (lo, hi, first, last, tables, WIDTH, t, s)
    ).fetchone()[0]
    assert bound <= hurried


def test_a_table_named_twice_in_a_candidate_counts_once(conn):
    """One booking, one segment, one table; its only candidate names table 1 twice: still one table
    needed, so the bound is 1 (counted twice, the relaxation would find no room and say 0)."""
    bound = conn.execute(
        "SELECT seating._plan_bound(%s, %s, %s, %s, %s, %s, %s, %s)", ([1], [1], [1], [1], [1, 1, 0], 3, 1, 1)
    ).fetchone()[0]
    assert bound == 1


def test_parts_of_time_no_booking_spans_are_bounded_apart(conn):
    """Two evenings in one batch, segments 1-2 and 4-5 (segment 3 has no booking): one table, on
    each evening two bookings that overlap on it. Each evening seats one, so the bound is 2."""
    bound = conn.execute(
        "SELECT seating._plan_bound(%s, %s, %s, %s, %s, %s, %s, %s)",
        ([1, 2, 4, 5], [2, 2, 5, 5], [1, 2, 3, 4], [1, 2, 3, 4], [1, 1, 1, 1], 1, 1, 5),
    ).fetchone()[0]
    assert bound == 2
