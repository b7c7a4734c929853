-- seating._plan_branch: a plan of the batch (the model of seating._plan_batch) that seats at
-- least p_target bookings, found by a depth-first branch and bound. Returns (plan, searched):
-- the plan, or NULL with searched true when the whole tree was searched (no such plan exists:
-- a proof) or false when it stopped at p_nodes nodes or at p_until (NULL: no clock, and the
-- same answer every time). api.auto_assign_pending calls it when its searches stop short of
-- the bound: they rebuild a plan by local moves, and on some evenings the optimum differs from
-- their best in 7-13 bookings at once (bench/notes.md, "the fourth day").
--
-- The tree. Bookings that need the most tables come first (their fewest tables per candidate,
-- then fewest candidates, then time): they are the ones a plan is built around. Each booking
-- takes p_hint's candidate first (the best plan so far: the first dive rebuilds it), then its
-- other candidates best first, then none; a booking p_hint leaves out is left out first.
--
-- The bound at each node, valid for any completion: a booking still to decide can be seated
-- only on a candidate free now (else it is dead), needing m (its fewest tables among those)
-- tables that are free now and usable by some booking then. Over segment s, then, the bookings
-- seated number at most k(s): the most of those over s whose m fit in cap(s), smallest m
-- first. Seating the most intervals with at most k(s) over each segment is solved exactly by
-- the sweep that adds them by start and, on overflow, drops the one ending last (unit
-- intervals: the greedy of interval scheduling on k machines). The node is cut when seated +
-- that count < p_target. With p_nodes NULL and p_until NULL the search is exact
-- (tests/sql/test_plan_bound.py).
-- Returns the candidate per booking (0: left out), as seating._plan_batch.
CREATE OR REPLACE FUNCTION seating._plan_branch(
    p_hint integer[], p_target integer, p_seg_lo integer[], p_seg_hi integer[], p_cand_first integer[],
    p_cand_last integer[], p_cand_tables integer[], p_width integer, p_tables integer, p_segments integer,
    p_nodes integer, p_until timestamptz, OUT plan integer[], OUT searched boolean)
LANGUAGE plpgsql
VOLATILE  -- reads the clock when p_until is set
SET search_path = ''
AS $$
DECLARE
    v_n integer := cardinality(p_seg_lo);
    v_words integer := (p_segments + 61) / 62;  -- 62 segments a word, as seating._plan_batch
    v_occ bigint[] := array_fill(0::bigint, ARRAY[greatest(p_tables * ((p_segments + 61) / 62), 1)]);
    v_masks bigint[] := seating._plan_masks(p_seg_lo, p_seg_hi, p_segments);
    v_need integer[] := array_fill(0, ARRAY[greatest(v_n, 1)]);  -- fewest tables of any candidate
    v_cand_need integer[] := seating._plan_candidate_sizes(p_cand_tables, p_width);
    v_bits bigint;
    v_order integer[];   -- the tree's depth d decides booking v_order[d]
    v_by_start integer[];
    v_depth integer[] := array_fill(0, ARRAY[greatest(v_n, 1)]);  -- the depth deciding booking i
    v_option integer[];  -- per depth: the next option to try
    v_plan integer[] := array_fill(0, ARRAY[greatest(v_n, 1)]);
    -- the bound's work arrays, filled afresh at each node
    v_alive_need integer[] := array_fill(0, ARRAY[greatest(v_n, 1)]);  -- 0: dead or decided
    v_usable bigint[];  -- per table, the segments a live booking could use it, as bits
    v_count integer[];  -- [m][s]: live bookings over s whose least tables are m
    v_cap integer[];
    v_load integer[];
    v_kept integer[];
    v_d integer := 1;
    v_seated integer := 0;
    v_nodes integer := 0;
    v_u integer;
    v_c integer;
    v_t integer;
    v_o integer;
    v_span integer;
    v_free boolean;
    v_bound integer;
    v_room integer;
    v_take integer;
    v_drop integer;
    v_k integer;
    v_over integer;
    v_descend boolean;
BEGIN
    searched := false;
    IF v_n = 0 THEN
        plan := CASE WHEN p_target <= 0 THEN '{}'::integer[] END;
        searched := plan IS NULL;
        RETURN;
    END IF;
    FOR v_i IN 1 .. v_n LOOP
        v_need[v_i] := (SELECT min(v_cand_need[c]) FROM generate_series(p_cand_first[v_i], p_cand_last[v_i]) AS c);
    END LOOP;
    v_order := ARRAY(SELECT i FROM generate_series(1, v_n) AS i WHERE p_cand_first[i] <= p_cand_last[i]
                      ORDER BY v_need[i] DESC, p_cand_last[i] - p_cand_first[i], p_seg_lo[i], p_seg_hi[i], i);
    v_by_start := ARRAY(SELECT i FROM unnest(v_order) AS i ORDER BY p_seg_lo[i], p_seg_hi[i], i);
    FOR v_x IN 1 .. cardinality(v_order) LOOP
        v_depth[v_order[v_x]] := v_x;
    END LOOP;
    v_option := array_fill(-1, ARRAY[cardinality(v_order) + 1]);  -- -1: the node is new

    WHILE v_d >= 1 LOOP
        IF v_option[v_d] = -1 THEN
            -- a new node: done, a leaf, or cut by the bound
            IF v_seated >= p_target THEN
                plan := v_plan;
                RETURN;
            END IF;
            v_nodes := v_nodes + 1;
            IF v_nodes > p_nodes OR (v_nodes % 64 = 1 AND clock_timestamp() > p_until) THEN  -- the clock every 64 nodes
                RETURN;
            END IF;
            v_bound := 0;
            IF v_d <= cardinality(v_order) AND v_seated + cardinality(v_order) - v_d + 1 >= p_target THEN
                -- the undecided bookings still alive: their least tables and usable tables
                v_usable := array_fill(0::bigint, ARRAY[cardinality(v_occ)]);
                FOR v_x IN v_d .. cardinality(v_order) LOOP
                    v_u := v_order[v_x];
                    v_alive_need[v_u] := 0;
                    FOR v_c IN p_cand_first[v_u] .. p_cand_last[v_u] LOOP
                        -- the free test is written out here and below, as in seating._plan_batch:
                        -- hundreds run per node, and a function call costs more than the test
                        v_free := true;
                        <<test1>>
                        FOR v_y IN 1 .. p_width LOOP
                            v_t := p_cand_tables[(v_c - 1) * p_width + v_y];
                            EXIT WHEN v_t = 0;
                            FOR v_w IN 1 .. v_words LOOP
                                IF v_occ[(v_t - 1) * v_words + v_w] & v_masks[(v_u - 1) * v_words + v_w] <> 0 THEN
                                    v_free := false;
                                    EXIT test1;
                                END IF;
                            END LOOP;
                        END LOOP;
                        CONTINUE WHEN NOT v_free;
                        IF v_alive_need[v_u] = 0 OR v_cand_need[v_c] < v_alive_need[v_u] THEN
                            v_alive_need[v_u] := v_cand_need[v_c];
                        END IF;
                        FOR v_y IN 1 .. p_width LOOP
                            v_t := p_cand_tables[(v_c - 1) * p_width + v_y];
                            EXIT WHEN v_t = 0;
                            FOR v_w IN 1 .. v_words LOOP
                                v_usable[(v_t - 1) * v_words + v_w] := v_usable[(v_t - 1) * v_words + v_w]
                                                                       | v_masks[(v_u - 1) * v_words + v_w];
                            END LOOP;
                        END LOOP;
                    END LOOP;
                END LOOP;
                -- cap(s): tables free over s that a live booking over s could use; k(s) in v_cap
                v_cap := array_fill(0, ARRAY[p_segments + 1]);
                v_load := array_fill(0, ARRAY[p_segments + 1]);
                v_count := array_fill(0, ARRAY[greatest(p_width, 1), p_segments + 2]);
                FOR v_t IN 1 .. p_tables LOOP
                    FOR v_w IN 1 .. v_words LOOP
                        v_bits := v_usable[(v_t - 1) * v_words + v_w] & ~v_occ[(v_t - 1) * v_words + v_w];
                        CONTINUE WHEN v_bits = 0;
                        FOR v_s IN (v_w - 1) * 62 + 1 .. least(v_w * 62, p_segments) LOOP
                            IF v_bits & (1::bigint << ((v_s - 1) % 62)) <> 0 THEN
                                v_cap[v_s] := v_cap[v_s] + 1;
                            END IF;
                        END LOOP;
                    END LOOP;
                END LOOP;
                FOR v_x IN v_d .. cardinality(v_order) LOOP
                    v_u := v_order[v_x];
                    CONTINUE WHEN v_alive_need[v_u] = 0;
                    v_count[v_alive_need[v_u]][p_seg_lo[v_u]] := v_count[v_alive_need[v_u]][p_seg_lo[v_u]] + 1;
                    v_count[v_alive_need[v_u]][p_seg_hi[v_u] + 1] := v_count[v_alive_need[v_u]][p_seg_hi[v_u] + 1] - 1;
                END LOOP;
                FOR v_m IN 1 .. p_width LOOP
                    FOR v_s IN 2 .. p_segments LOOP
                        v_count[v_m][v_s] := v_count[v_m][v_s] + v_count[v_m][v_s - 1];
                    END LOOP;
                END LOOP;
                FOR v_s IN 1 .. p_segments LOOP
                    v_room := v_cap[v_s];
                    v_cap[v_s] := 0;
                    FOR v_m IN 1 .. p_width LOOP
                        v_take := least(v_count[v_m][v_s], v_room / v_m);
                        v_cap[v_s] := v_cap[v_s] + v_take;
                        v_room := v_room - v_take * v_m;
                    END LOOP;
                END LOOP;
                -- the most live bookings with at most k(s) over each segment: by start, and on
                -- overflow drop the kept one that ends last
                v_kept := '{}'::integer[];
                FOREACH v_u IN ARRAY v_by_start LOOP
                    CONTINUE WHEN v_depth[v_u] < v_d OR v_alive_need[v_u] = 0;
                    v_kept := v_kept || v_u;
                    v_over := 0;
                    FOR v_s IN p_seg_lo[v_u] .. p_seg_hi[v_u] LOOP
                        v_load[v_s] := v_load[v_s] + 1;
                        IF v_over = 0 AND v_load[v_s] > v_cap[v_s] THEN
                            v_over := v_s;
                        END IF;
                    END LOOP;
                    IF v_over > 0 THEN
                        v_drop := 0;
                        FOREACH v_k IN ARRAY v_kept LOOP
                            IF p_seg_lo[v_k] <= v_over AND p_seg_hi[v_k] >= v_over
                               AND (v_drop = 0 OR p_seg_hi[v_k] > p_seg_hi[v_drop]) THEN
                                v_drop := v_k;
                            END IF;
                        END LOOP;
                        v_kept := array_remove(v_kept, v_drop);
                        FOR v_s IN p_seg_lo[v_drop] .. p_seg_hi[v_drop] LOOP
                            v_load[v_s] := v_load[v_s] - 1;
                        END LOOP;
                    END IF;
                END LOOP;
                v_bound := cardinality(v_kept);
            END IF;
            IF v_d > cardinality(v_order) OR v_seated + v_bound < p_target THEN
                v_d := v_d - 1;  -- back to the parent, which undoes its choice below
                CONTINUE;
            END IF;
            v_option[v_d] := 0;
        END IF;

        -- undo this depth's last choice, then take its next option that fits
        v_u := v_order[v_d];
        IF v_plan[v_u] > 0 THEN
            FOR v_y IN 1 .. p_width LOOP
                v_t := p_cand_tables[(v_plan[v_u] - 1) * p_width + v_y];
                EXIT WHEN v_t = 0;
                FOR v_w IN 1 .. v_words LOOP
                    v_occ[(v_t - 1) * v_words + v_w] := v_occ[(v_t - 1) * v_words + v_w] & ~v_masks[(v_u - 1) * v_words + v_w];
                END LOOP;
            END LOOP;
            v_plan[v_u] := 0;
            v_seated := v_seated - 1;
        END IF;
        v_span := p_cand_last[v_u] - p_cand_first[v_u] + 1;
        v_descend := false;
        WHILE NOT v_descend AND v_option[v_d] <= v_span LOOP
            v_o := v_option[v_d];
            v_option[v_d] := v_o + 1;
            -- option o: with a hinted candidate h, o = 0 is h, 1 .. span - 1 the others in
            -- order, span none; without one, 0 is none and 1 .. span the candidates
            IF p_hint[v_u] BETWEEN p_cand_first[v_u] AND p_cand_last[v_u] THEN
                v_c := CASE WHEN v_o = 0 THEN p_hint[v_u] WHEN v_o = v_span THEN 0
                            WHEN p_cand_first[v_u] + v_o - 1 >= p_hint[v_u] THEN p_cand_first[v_u] + v_o
                            ELSE p_cand_first[v_u] + v_o - 1 END;
            ELSE
                v_c := CASE WHEN v_o = 0 THEN 0 ELSE p_cand_first[v_u] + v_o - 1 END;
            END IF;
            IF v_c > 0 THEN
                v_free := true;
                <<test2>>
                FOR v_y IN 1 .. p_width LOOP
                    v_t := p_cand_tables[(v_c - 1) * p_width + v_y];
                    EXIT WHEN v_t = 0;
                    FOR v_w IN 1 .. v_words LOOP
                        IF v_occ[(v_t - 1) * v_words + v_w] & v_masks[(v_u - 1) * v_words + v_w] <> 0 THEN
                            v_free := false;
                            EXIT test2;
                        END IF;
                    END LOOP;
                END LOOP;
                CONTINUE WHEN NOT v_free;
                FOR v_y IN 1 .. p_width LOOP
                    v_t := p_cand_tables[(v_c - 1) * p_width + v_y];
                    EXIT WHEN v_t = 0;
                    FOR v_w IN 1 .. v_words LOOP
                        v_occ[(v_t - 1) * v_words + v_w] := v_occ[(v_t - 1) * v_words + v_w] | v_masks[(v_u - 1) * v_words + v_w];
                    END LOOP;
                END LOOP;
                v_plan[v_u] := v_c;
                v_seated := v_seated + 1;
            END IF;
            v_descend := true;
        END LOOP;
        IF v_descend THEN
            v_d := v_d + 1;
            v_option[v_d] := -1;
        ELSE
            v_option[v_d] := -1;
            v_d := v_d - 1;
        END IF;
    END LOOP;
    searched := true;
END;
$$;

COMMENT ON FUNCTION seating._plan_branch(integer[], integer, integer[], integer[], integer[], integer[], integer[], integer, integer, integer, integer, timestamptz) IS
    'Batch plan: a plan seating at least p_target bookings, by depth-first branch and bound from a hinted plan (largest parties first; per node a bound from the live candidates and free tables per segment). Returns (plan, searched): plan NULL and searched true when none exists; searched false when p_nodes nodes or p_until ran out first.';
REVOKE ALL ON FUNCTION seating._plan_branch(integer[], integer, integer[], integer[], integer[], integer[], integer[], integer, integer, integer, integer, timestamptz) FROM PUBLIC;
