-- api.auto_assign_pending: seat every open booking without tables that starts in [p_from, p_to)
-- (DESIGN §12), each through the session path (seating._assign_first_passing), in one
-- transaction. A booking another staff member is holding tables for right now is left to them.
--
-- It plans without locks, then takes them as every writer does (the bookings in id order, then
-- all the restaurant's tables in id order) only to write, so hosts working meanwhile wait for
-- the writes or the writes for them, never both, and never for the planning.
--
-- The plan, then the writes:
--   1. candidates, once per batch: the floor's groups per party size (seating._candidate_groups
--      without blockers; they depend on the floor and the party only), then per booking those
--      free of the blockers of its window (seating._blockers, the engine's own lookup);
--   2. the plan (seating._plan_batch): greedy, augmenting chains and plateau moves over a model
--      of the remaining rule, that bookings whose windows overlap share no table, from several
--      orders and, up to 40 bookings, a branch and bound (seating._plan_branch), until the
--      plan seats as many as an upper bound (seating._plan_bound), the branch and bound proves
--      that no plan seats one more, or the budget is spent;
--   3. the locks, then the writes, by start time: a planned booking still without tables and
--      not held by someone else is held and confirmed on its planned group (its other
--      candidates after it, should the engine disagree); the engine (seating._evaluate, then
--      the hold and confirm) has the last word on every one. The plan leaves a booking out only
--      when none of its candidates is free, so nothing is tried for it;
--   4. the reasons: why each booking left out is, asked once every write is done.
-- Running it again changes nothing: seated bookings have tables, and for the others no
-- candidate is free (step 2 seats any booking that has a free one), so nothing is written.
CREATE OR REPLACE FUNCTION api.auto_assign_pending(p_staff_id uuid, p_restaurant_id uuid, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (booking_id uuid, outcome text, table_ids uuid[], reason text)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    v_restaurant seating.restaurants;
    v_booking seating.bookings;
    v_ids uuid[];
    v_held_by text[];
    v_own uuid[];
    v_party integer[];
    v_order integer[];
    v_seg_lo integer[];
    v_seg_hi integer[];
    v_first integer[];
    v_last integer[];
    v_cand_tables integer[];
    v_cand_class integer[];
    v_cand_ids jsonb;
    v_tables integer;
    v_segments integer;
    v_plan integer[];
    v_try integer[];
    v_branched integer := -1;  -- the plan's count when the branch and bound last started from it
    v_searched boolean;
    v_seated integer := -1;
    v_try_seated integer;
    v_bound integer;
    v_deadline interval;
    v_width integer;
    v_selections jsonb;
    v_state api.session_state;
    v_reasons text[];
    v_seated_at jsonb[];
BEGIN
    IF p_staff_id IS NULL OR p_restaurant_id IS NULL OR p_from IS NULL OR p_to IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id, a restaurant id, from and to are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'restaurantId', 'from', 'to')));
    END IF;
    IF NOT (isfinite(p_from) AND isfinite(p_to) AND p_from < p_to AND p_to - p_from <= interval '31 days') THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'from must be before to, both finite, at most 31 days apart.',
            jsonb_build_object('fields', jsonb_build_array('from', 'to'), 'from', p_from, 'to', p_to));
    END IF;
    PERFORM seating._require_permission(p_staff_id, p_restaurant_id, 'auto_assign');
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = p_restaurant_id;

    -- The bookings by start time (booking i of the plan), read without locks: the plan is
    -- made on what is there now and the writes, under the locks, are judged on what is there
    -- then, so hosts wait for the writes only, not for the planning.
    WITH batch AS (
        SELECT b.*, seating._booking_window(b.start_at, b.end_at, v_restaurant.turnover_buffer_minutes) AS during,
               (seating._active_session(b.restaurant_id, b.id, p_staff_id)).id AS own_session,
               seating._held_by_other(b.restaurant_id, b.id, p_staff_id, v_restaurant.timezone) AS held_by
          FROM seating.bookings AS b
         WHERE b.restaurant_id = p_restaurant_id AND b.start_at >= p_from AND b.start_at < p_to
           AND NOT seating._booking_is_closed(b.status)
           AND NOT EXISTS (SELECT FROM seating.allocations AS a
                            WHERE a.restaurant_id = b.restaurant_id AND a.booking_id = b.id AND a.kind = 'assignment')
    ), numbered AS (
        SELECT row_number() OVER (ORDER BY w.start_at, w.id)::integer AS i, w.* FROM batch AS w
    ), points AS (  -- the segments' bounds: every window's start and end
        SELECT array_agg(DISTINCT x ORDER BY x) AS at
          FROM numbered AS w CROSS JOIN LATERAL (VALUES (lower(w.during)), (upper(w.during))) AS v (x)
    )
    SELECT array_agg(w.id ORDER BY w.i), array_agg(w.held_by ORDER BY w.i), array_agg(w.own_session ORDER BY w.i),
           array_agg(w.party_size ORDER BY w.i),
           array_agg(array_position(p.at, lower(w.during)) ORDER BY w.i),
           array_agg(array_position(p.at, upper(w.during)) - 1 ORDER BY w.i),
           max(cardinality(p.at)) - 1
      INTO v_ids, v_held_by, v_own, v_party, v_seg_lo, v_seg_hi, v_segments
      FROM numbered AS w CROSS JOIN points AS p;

    IF v_ids IS NULL THEN
        RETURN;
    END IF;

    -- 1. candidates, best first per booking: fewest tables, fewest empty seats, table numbers
    WITH floor AS MATERIALIZED (
        SELECT t.id, row_number() OVER (ORDER BY t.id)::integer AS slot
          FROM seating.table_inventory AS t WHERE t.restaurant_id = p_restaurant_id
    ), bookings AS (
        SELECT x.i::integer AS i, b AS booking
          FROM unnest(v_ids) WITH ORDINALITY AS x (id, i)
          JOIN seating.bookings AS b ON b.restaurant_id = p_restaurant_id AND b.id = x.id
         WHERE v_held_by[x.i] IS NULL
           -- a booking whose time is over fails the engine's booking_status check: not planned
           AND NOT seating._window_is_over(seating._booking_window(b.start_at, b.end_at, v_restaurant.turnover_buffer_minutes))
    ), groups AS MATERIALIZED (  -- per party size: the floor's groups, whatever is blocked
        SELECT p.party, g.*
          FROM (SELECT (k.booking).party_size AS party, min(k.i) AS i FROM bookings AS k GROUP BY 1) AS p
          JOIN bookings AS k ON k.i = p.i
         CROSS JOIN LATERAL seating._candidate_groups(k.booking, v_restaurant, NULL, NULL, false, true) AS g
    ), minimal AS MATERIALIZED (  -- a group holding a smaller one of the same party can seat no one more
        SELECT g.*, ARRAY(SELECT f.slot FROM unnest(g.table_ids) AS x (id) JOIN floor AS f ON f.id = x.id) AS slots
          FROM groups AS g
         WHERE NOT EXISTS (SELECT FROM groups AS s
                            WHERE s.party = g.party AND s.table_ids <@ g.table_ids AND s.table_ids <> g.table_ids)
    ), blocked AS MATERIALIZED (
        SELECT k.i, k.booking, coalesce((SELECT array_agg(DISTINCT x.table_id)
                                FROM seating._blockers(p_restaurant_id, (k.booking).id, seating._booking_window(
                                         (k.booking).start_at, (k.booking).end_at, v_restaurant.turnover_buffer_minutes),
                                         ARRAY(SELECT t.id FROM seating.table_inventory AS t
                                                WHERE t.restaurant_id = p_restaurant_id AND t.active),
                                         v_own[k.i]) AS x), '{}') AS table_ids
          FROM bookings AS k
    ), candidates AS (
        SELECT k.i, row_number() OVER (ORDER BY k.i, g.table_count, g.total_capacity, g.table_numbers)::integer AS c,
               g.table_ids, g.slots,
               1000 * g.table_count + g.total_capacity - (k.booking).party_size AS class
          FROM blocked AS k
          JOIN minimal AS g ON g.party = (k.booking).party_size
         WHERE NOT g.table_ids && k.table_ids
    )
    SELECT (SELECT array_agg(coalesce(r.first, 1) ORDER BY x.i) FROM generate_series(1, cardinality(v_ids)) AS x (i)
              LEFT JOIN (SELECT c.i, min(c.c) AS first FROM candidates AS c GROUP BY c.i) AS r ON r.i = x.i),
           (SELECT array_agg(coalesce(r.last, 0) ORDER BY x.i) FROM generate_series(1, cardinality(v_ids)) AS x (i)
              LEFT JOIN (SELECT c.i, max(c.c) AS last FROM candidates AS c GROUP BY c.i) AS r ON r.i = x.i),
           (SELECT coalesce(array_agg(coalesce(c.slots[n], 0) ORDER BY c.c, n), '{}')
              FROM candidates AS c CROSS JOIN generate_series(1, v_restaurant.max_tables_per_booking) AS n),
           (SELECT coalesce(array_agg(c.class ORDER BY c.c), '{}') FROM candidates AS c),
           (SELECT coalesce(jsonb_agg(to_jsonb(c.table_ids) ORDER BY c.c), '[]') FROM candidates AS c)
      INTO v_first, v_last, v_cand_tables, v_cand_class, v_cand_ids;
    SELECT count(*) INTO v_tables FROM seating.table_inventory AS t WHERE t.restaurant_id = p_restaurant_id;

    -- 2. the plan. The search stops at the bound, which proves the plan an optimum. It starts
    -- from a greedy order: earliest end, smallest party, fewest candidates (interval
    -- scheduling's rule: who frees the tables first goes first). A batch of up to 40 bookings
    -- that stops short of the bound searches on: from three other orders (the same rule run
    -- backwards in time, the fewest candidates first, the largest party first); then a branch
    -- and bound from the best plan for one booking more (seating._plan_branch, 1000 nodes);
    -- then up to 16 shuffles of the bookings (md5 of the pass and the booking id: the same
    -- shuffle every run), and the branch and bound once more if the plan got better since. A
    -- branch and bound that searches its whole tree proves the plan an optimum: the search
    -- stops there too. Where the rules end one short, the optimum often differs from their plan in
    -- 7-13 bookings: each shuffle finds it about one time in seven, the branch and bound finds
    -- others at once (bench/notes.md). The plan that seats the most wins. Budgets, measured: a
    -- small batch affords chains two deep after each move and 150 moves a search; a large one
    -- stays within its time with one search of 250 moves.
    v_width := v_restaurant.max_tables_per_booking;
    v_deadline := current_setting('statement_timeout')::interval;
    v_bound := seating._plan_bound(v_seg_lo, v_seg_hi, v_first, v_last, v_cand_tables, v_width, v_tables, v_segments);
    FOR v_pass IN 1 .. CASE WHEN cardinality(v_ids) <= 40 THEN 22 ELSE 1 END LOOP
        EXIT WHEN v_seated >= v_bound;
        -- under a deadline (the app sets statement_timeout to its request deadline) another
        -- search starts only in the statement's first half: a slow machine searches less
        -- rather than time out; with no deadline (psql, the bench) the plan is the same each time
        EXIT WHEN v_pass > 1 AND v_deadline > interval '0'
              AND clock_timestamp() - statement_timestamp() > v_deadline / 2;
        IF v_pass IN (5, 22) THEN
            CONTINUE WHEN v_seated = v_branched;  -- already searched from a plan this good
            v_branched := v_seated;
            -- under a deadline it stops at half of it, as the searches start only before then
            SELECT b.plan, b.searched INTO v_try, v_searched
              FROM seating._plan_branch(v_plan, v_seated + 1, v_seg_lo, v_seg_hi, v_first, v_last, v_cand_tables,
                                        v_width, v_tables, v_segments, 1000,
                                        CASE WHEN v_deadline > interval '0' THEN statement_timestamp() + v_deadline / 2 END) AS b;
            IF v_searched THEN
                v_bound := v_seated;  -- no plan seats one more: this one is an optimum
            END IF;
            CONTINUE WHEN v_try IS NULL;
        ELSE
            IF v_pass <= 4 THEN
                v_order := ARRAY(SELECT x.i FROM generate_series(1, cardinality(v_ids)) AS x (i)
                                 CROSS JOIN LATERAL (VALUES (v_last[x.i] - v_first[x.i])) AS k (candidates)
                                 ORDER BY CASE v_pass WHEN 1 THEN v_seg_hi[x.i] WHEN 2 THEN -v_seg_lo[x.i]
                                                      WHEN 3 THEN k.candidates ELSE -v_party[x.i] END,
                                          v_seg_hi[x.i], v_party[x.i], k.candidates, v_ids[x.i]);
            ELSE
                v_order := ARRAY(SELECT x.i FROM generate_series(1, cardinality(v_ids)) AS x (i)
                                 ORDER BY md5(v_pass || '/' || v_ids[x.i]), x.i);
            END IF;
            v_try := seating._plan_batch(v_order, v_seg_lo, v_seg_hi, v_first, v_last, v_cand_tables, v_cand_class,
                                         v_width, v_tables, v_segments,
                                         CASE WHEN cardinality(v_ids) <= 40 THEN 150 WHEN cardinality(v_ids) <= 60 THEN 400 ELSE 250 END,
                                         cardinality(v_ids) <= 60, v_bound);
        END IF;
        v_try_seated := (SELECT count(*) FROM unnest(v_try) AS c WHERE c > 0);
        IF v_try_seated > v_seated THEN
            v_plan := v_try;
            v_seated := v_try_seated;
        END IF;
    END LOOP;

    -- 3. the locks, as every writer takes them: the bookings (id order), then all the
    -- restaurant's tables (id order); hosts working meanwhile wait for the writes or the writes
    -- for them, never both.
    PERFORM 1 FROM (SELECT b.id FROM seating.bookings AS b
                     WHERE b.restaurant_id = p_restaurant_id
                       AND ((b.start_at >= p_from AND b.start_at < p_to AND NOT seating._booking_is_closed(b.status))
                            OR b.id = ANY (v_ids))
                     ORDER BY b.id FOR NO KEY UPDATE) AS locked;
    PERFORM seating._lock_tables(p_restaurant_id,
        ARRAY(SELECT t.id FROM seating.table_inventory AS t WHERE t.restaurant_id = p_restaurant_id));

    -- 4. writes, each judged by the engine, by start time: the planned bookings still in the
    -- range, open, without tables and not held by someone else (any of it may have changed
    -- while the batch planned), then those the plan left out on the best group free now (a
    -- planned booking the engine refused, or a hold given up, may have freed one)
    v_reasons := array_fill(NULL::text, ARRAY[cardinality(v_ids)]);
    v_seated_at := array_fill(NULL::jsonb, ARRAY[cardinality(v_ids)]);
    FOR v_pass IN 1 .. 2 LOOP
        FOR v_i IN 1 .. cardinality(v_ids) LOOP
            CONTINUE WHEN v_reasons[v_i] IS NOT NULL OR v_seated_at[v_i] IS NOT NULL
                       OR (v_pass = 1) <> (v_plan[v_i] > 0);
            SELECT b.* INTO v_booking FROM seating.bookings AS b WHERE b.restaurant_id = p_restaurant_id AND b.id = v_ids[v_i];
            IF NOT (v_booking.start_at >= p_from AND v_booking.start_at < p_to) THEN
                v_reasons[v_i] := 'Moved out of the range while the batch was planning; left as it is.';
                CONTINUE;
            END IF;
            v_reasons[v_i] := seating._held_by_other(p_restaurant_id, v_ids[v_i], p_staff_id, v_restaurant.timezone);
            CONTINUE WHEN v_reasons[v_i] IS NOT NULL OR seating._booking_is_closed(v_booking.status);
            v_seated_at[v_i] := (SELECT jsonb_agg(a.table_id ORDER BY a.table_id) FROM seating.allocations AS a
                                  WHERE a.restaurant_id = p_restaurant_id AND a.booking_id = v_ids[v_i]
                                    AND a.kind = 'assignment');
            IF v_seated_at[v_i] IS NOT NULL THEN
                v_reasons[v_i] := 'already seated';  -- the row says so, with the tables
                CONTINUE;
            END IF;
            CONTINUE WHEN seating._window_is_over(seating._booking_window(v_booking.start_at, v_booking.end_at,
                                                                          v_restaurant.turnover_buffer_minutes));
            IF v_pass = 1 THEN
                SELECT jsonb_agg(v_cand_ids -> (c - 1) ORDER BY c <> v_plan[v_i], c) INTO v_selections
                  FROM generate_series(v_first[v_i], v_last[v_i]) AS c;
            ELSE
                SELECT jsonb_agg(to_jsonb(s.table_ids) ORDER BY s.rank) INTO v_selections  -- as api.auto_assign
                  FROM seating._suggestions(v_booking, v_restaurant, NULL, v_own[v_i], 20) AS s;
            END IF;
            CONTINUE WHEN v_selections IS NULL;
            v_state := seating._assign_first_passing(p_staff_id, v_booking, v_restaurant, NULL, v_selections);
            v_seated_at[v_i] := v_state.proposed_tables;
        END LOOP;
    END LOOP;

    -- 5. one row per booking by start time; why a booking is left out is asked only now, so
    -- that the reason names the tables as the batch left them
    FOR v_i IN 1 .. cardinality(v_ids) LOOP
        booking_id := v_ids[v_i];
        SELECT b.* INTO v_booking FROM seating.bookings AS b WHERE b.restaurant_id = p_restaurant_id AND b.id = v_ids[v_i];
        IF v_seated_at[v_i] IS NOT NULL THEN
            outcome := 'assigned';
            table_ids := seating._table_ids(v_seated_at[v_i]);
            reason := (SELECT format(CASE WHEN v_reasons[v_i] IS NULL THEN 'Seated at %s: %s seats for a party of %s.'
                                          ELSE 'Already seated at %s: given tables while this batch was planning.' END,
                                     string_agg(t.table_number, ' + ' ORDER BY seating._table_number_key(t.table_number) NULLS LAST, t.table_number),
                                     sum(t.capacity), v_booking.party_size)
                         FROM seating.table_inventory AS t
                        WHERE t.restaurant_id = p_restaurant_id AND t.id = ANY (table_ids));
        ELSE
            outcome := 'no_fit';
            table_ids := NULL;
            reason := coalesce(v_reasons[v_i], seating._no_fit(v_booking, v_restaurant, NULL, v_own[v_i]) ->> 'message');
        END IF;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION api.auto_assign_pending(uuid, uuid, timestamptz, timestamptz) IS
'Seats every open booking without tables that starts in [p_from, p_to) (at most 31 days), in one transaction, each through a session (hold then confirm, audit reasons auto-assigned).
Plans the evening first (candidates once per batch; greedy, augmenting chains and plateau moves from several orders, and up to 40 bookings a branch and bound; it stops once the plan is proven an optimum, by an upper bound or by the branch and bound) to seat as many bookings as it can; every write is judged by the constraint engine.
A booking another staff member is holding tables for is left to them (outcome no_fit, reason says who). One row per booking by start time: outcome assigned (table_ids) or no_fit (reason says why).
Running it again changes nothing. Errors: INVALID_INPUT, FORBIDDEN (owner, manager, host may).';
REVOKE ALL ON FUNCTION api.auto_assign_pending(uuid, uuid, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.auto_assign_pending(uuid, uuid, timestamptz, timestamptz) TO seating_app;
