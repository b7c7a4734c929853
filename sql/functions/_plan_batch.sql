-- seating._plan_batch: which candidate group each booking of a batch gets, seating as many as it
-- can (api.auto_assign_pending's plan; the engine judges every write afterwards). Pure: numbers
-- in, numbers out, no table read.
--
-- The model. Time is cut into segments at the bookings' window bounds; booking i covers the
-- segments p_seg_lo[i] .. p_seg_hi[i]. Its candidates are p_cand_first[i] .. p_cand_last[i]
-- (first > last: none), best first; candidate c uses the tables p_cand_tables[(c-1)*p_width+1
-- .. c*p_width] (numbered 1 .. p_tables, 0 pads) and has the rank class p_cand_class[c] (lower
-- is better: fewer tables, fewer empty seats). The candidates already leave out the tables
-- blocked for the booking's window; what is left is that two planned bookings whose windows
-- overlap may not share a table. tests/sql/test_auto_assign_properties.py checks that the
-- engine agrees: whatever the plan leaves out has no selection the engine passes.
--
-- The search; the plan it returns seats at least as many as the greedy step:
--   1. greedy in p_order: a booking takes a free candidate of its best class, the one whose
--      tables are busy right before and after it (fewest idle gaps left on the floor);
--   2. augmenting chains, repeated while they seat more: a left-out booking takes a candidate
--      whose obstacles are at most two planned bookings that each move to a free candidate of
--      their own, or one that moves by pushing out one more, which moves to a free one;
--   3. plateau moves (a tabu search, p_moves at most, until the plan seats p_bound): the next
--      left-out booking in turn takes a candidate held by one or two planned bookings that did
--      not come in within the last few moves; those pushed out try the chains of step 2 (one
--      level deep unless p_deep), the other left-out bookings of their time a free candidate; a
--      move that ends with fewer bookings seated is undone. Deterministic: fixed orders, no
--      randomness.
-- Cost: a free test is a few bit tests per table, written out where it is used (this runs
-- hundreds of thousands of them; a call costs more than the test); the occupants are looked
-- up (seating._plan_obstacles) only where a chain may start.
-- Returns the candidate per booking (0: left out).
CREATE OR REPLACE FUNCTION seating._plan_batch(
    p_order integer[], p_seg_lo integer[], p_seg_hi integer[], p_cand_first integer[], p_cand_last integer[],
    p_cand_tables integer[], p_cand_class integer[], p_width integer, p_tables integer, p_segments integer,
    p_moves integer, p_deep boolean, p_bound integer)
RETURNS integer[]
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
DECLARE
    v_n integer := cardinality(p_seg_lo);
    v_m integer := p_segments;
    v_words integer := (p_segments + 61) / 62;  -- 62 segments a word: no sign bit, no overflow
    v_base integer := p_tables * p_segments;
    v_occ bigint[] := array_fill(0::bigint, ARRAY[greatest(p_tables * (p_segments + (p_segments + 61) / 62), 1)]);
    v_masks bigint[] := seating._plan_masks(p_seg_lo, p_seg_hi, p_segments);
    v_plan integer[] := array_fill(0, ARRAY[greatest(v_n, 1)]);
    v_came integer[] := array_fill(-1000, ARRAY[greatest(v_n, 1)]);
    v_saved_occ bigint[];
    v_saved_plan integer[];
    v_inner_occ bigint[];
    v_move_occ bigint[];
    v_move_plan integer[];
    v_left integer[];
    v_obstacles integer[];
    v_more integer[];
    v_u integer;
    v_k integer;
    v_w integer;
    v_c integer;
    v_t integer;
    v_pick integer;
    v_pick_class integer;
    v_pick_fit integer;
    v_fit integer;
    v_focus integer[] := '{}'::integer[];  -- after a plateau move: the bookings it pushed out
    v_count integer := 0;
    v_saved_count integer;
    v_found boolean;
    v_placed boolean;
    v_free boolean;
    v_ok boolean;
    v_improved boolean;
    v_iter integer := 0;
    v_span integer;
    v_tenure constant integer := 7;
BEGIN
    IF v_n = 0 THEN
        RETURN '{}'::integer[];
    END IF;

    -- 1. greedy
    FOREACH v_u IN ARRAY p_order LOOP
        v_pick := 0;
        FOR v_c IN p_cand_first[v_u] .. p_cand_last[v_u] LOOP
            EXIT WHEN v_pick > 0 AND p_cand_class[v_c] > v_pick_class;
            -- "Is candidate c free for booking u" is written inline here and below: as a function
            -- call it copies the occupancy array each time and doubled the batch's time (bench/notes.md).
            v_free := true;
            <<test1>>
            FOR v_o IN 1 .. p_width LOOP
                v_t := p_cand_tables[(v_c - 1) * p_width + v_o];
                EXIT WHEN v_t = 0;
                FOR v_x IN 1 .. v_words LOOP
                    IF v_occ[v_base + (v_t - 1) * v_words + v_x] & v_masks[(v_u - 1) * v_words + v_x] <> 0 THEN
                        v_free := false;
                        EXIT test1;
                    END IF;
                END LOOP;
            END LOOP;
            CONTINUE WHEN NOT v_free;
            v_fit := 0;
            FOR v_o IN 1 .. p_width LOOP
                v_t := p_cand_tables[(v_c - 1) * p_width + v_o];
                EXIT WHEN v_t = 0;
                IF p_seg_lo[v_u] > 1 AND v_occ[(v_t - 1) * v_m + p_seg_lo[v_u] - 1] <> 0 THEN
                    v_fit := v_fit + 1;
                END IF;
                IF p_seg_hi[v_u] < v_m AND v_occ[(v_t - 1) * v_m + p_seg_hi[v_u] + 1] <> 0 THEN
                    v_fit := v_fit + 1;
                END IF;
            END LOOP;
            IF v_pick = 0 OR v_fit > v_pick_fit THEN
                v_pick := v_c;
                v_pick_class := p_cand_class[v_c];
                v_pick_fit := v_fit;
            END IF;
        END LOOP;
        IF v_pick > 0 THEN
            v_count := v_count + 1;
            v_plan[v_u] := v_pick;
            v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_pick,
                                        p_seg_lo[v_u], p_seg_hi[v_u], v_masks, v_u, true);
        END IF;
    END LOOP;

    LOOP
        -- 2. augmenting chains (after a plateau move: only for the booking it pushed out)
        LOOP
            v_improved := false;
            -- after a plateau move, only bookings whose time overlaps the pushed-out one's can
            -- have a candidate that came free
            v_left := ARRAY(SELECT i FROM generate_series(1, v_n) AS i
                             WHERE v_plan[i] = 0 AND p_cand_first[i] <= p_cand_last[i]
                               AND (cardinality(v_focus) = 0
                                    OR EXISTS (SELECT FROM unnest(v_focus) AS f WHERE p_seg_lo[i] <= p_seg_hi[f] AND p_seg_lo[f] <= p_seg_hi[i]))
                             ORDER BY p_cand_last[i] - p_cand_first[i], i);
            FOREACH v_u IN ARRAY v_left LOOP
                FOR v_c IN p_cand_first[v_u] .. p_cand_last[v_u] LOOP
                    v_free := true;
                    <<test2>>
                    FOR v_o IN 1 .. p_width LOOP
                        v_t := p_cand_tables[(v_c - 1) * p_width + v_o];
                        EXIT WHEN v_t = 0;
                        FOR v_x IN 1 .. v_words LOOP
                            IF v_occ[v_base + (v_t - 1) * v_words + v_x] & v_masks[(v_u - 1) * v_words + v_x] <> 0 THEN
                                v_free := false;
                                EXIT test2;
                            END IF;
                        END LOOP;
                    END LOOP;
                    IF v_free THEN
                        v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_c,
                                                    p_seg_lo[v_u], p_seg_hi[v_u], v_masks, v_u, true);
                        v_plan[v_u] := v_c;
                        v_count := v_count + 1;
                        v_improved := true;
                        EXIT;
                    END IF;
                    CONTINUE WHEN cardinality(v_focus) > 0 AND NOT v_u = ANY (v_focus);
                    v_obstacles := seating._plan_obstacles(v_occ, v_m, p_cand_tables, p_width, v_c,
                                                           p_seg_lo[v_u], p_seg_hi[v_u], 2);
                    CONTINUE WHEN cardinality(v_obstacles) > 2;
                    v_saved_occ := v_occ;
                    v_saved_plan := v_plan;
                    FOREACH v_k IN ARRAY v_obstacles LOOP
                        v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_plan[v_k],
                                                    p_seg_lo[v_k], p_seg_hi[v_k], v_masks, v_k, false);
                    END LOOP;
                    v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_c,
                                                p_seg_lo[v_u], p_seg_hi[v_u], v_masks, v_u, true);
                    v_ok := true;
                    FOREACH v_k IN ARRAY v_obstacles LOOP
                        v_placed := false;
                        FOR v_c2 IN p_cand_first[v_k] .. p_cand_last[v_k] LOOP
                            v_free := true;
                            <<test3>>
                            FOR v_o IN 1 .. p_width LOOP
                                v_t := p_cand_tables[(v_c2 - 1) * p_width + v_o];
                                EXIT WHEN v_t = 0;
                                FOR v_x IN 1 .. v_words LOOP
                                    IF v_occ[v_base + (v_t - 1) * v_words + v_x] & v_masks[(v_k - 1) * v_words + v_x] <> 0 THEN
                                        v_free := false;
                                        EXIT test3;
                                    END IF;
                                END LOOP;
                            END LOOP;
                            CONTINUE WHEN NOT v_free;
                            v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_c2,
                                                        p_seg_lo[v_k], p_seg_hi[v_k], v_masks, v_k, true);
                            v_plan[v_k] := v_c2;
                            v_placed := true;
                            EXIT;
                        END LOOP;
                        IF NOT v_placed AND cardinality(v_obstacles) = 1 AND (cardinality(v_focus) = 0 OR p_deep) THEN
                            -- one level deeper: k pushes out one w (not u), which moves to a free candidate
                            FOR v_c2 IN p_cand_first[v_k] .. p_cand_last[v_k] LOOP
                                v_more := seating._plan_obstacles(v_occ, v_m, p_cand_tables, p_width, v_c2,
                                                                  p_seg_lo[v_k], p_seg_hi[v_k], 1);
                                CONTINUE WHEN cardinality(v_more) <> 1 OR v_more[1] = v_u;
                                v_w := v_more[1];
                                v_inner_occ := v_occ;
                                v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_plan[v_w],
                                                            p_seg_lo[v_w], p_seg_hi[v_w], v_masks, v_w, false);
                                v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_c2,
                                                            p_seg_lo[v_k], p_seg_hi[v_k], v_masks, v_k, true);
                                FOR v_c3 IN p_cand_first[v_w] .. p_cand_last[v_w] LOOP
                                    v_free := true;
                                    <<test4>>
                                    FOR v_o IN 1 .. p_width LOOP
                                        v_t := p_cand_tables[(v_c3 - 1) * p_width + v_o];
                                        EXIT WHEN v_t = 0;
                                        FOR v_x IN 1 .. v_words LOOP
                                            IF v_occ[v_base + (v_t - 1) * v_words + v_x] & v_masks[(v_w - 1) * v_words + v_x] <> 0 THEN
                                                v_free := false;
                                                EXIT test4;
                                            END IF;
                                        END LOOP;
                                    END LOOP;
                                    CONTINUE WHEN NOT v_free;
                                    v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_c3,
                                                                p_seg_lo[v_w], p_seg_hi[v_w], v_masks, v_w, true);
                                    v_plan[v_w] := v_c3;
                                    v_plan[v_k] := v_c2;
                                    v_placed := true;
                                    EXIT;
                                END LOOP;
                                EXIT WHEN v_placed;
                                v_occ := v_inner_occ;
                            END LOOP;
                        END IF;
                        IF NOT v_placed THEN
                            v_ok := false;
                            EXIT;
                        END IF;
                    END LOOP;
                    IF v_ok THEN
                        v_plan[v_u] := v_c;
                        v_count := v_count + 1;
                        v_improved := true;
                        EXIT;
                    END IF;
                    v_occ := v_saved_occ;
                    v_plan := v_saved_plan;
                END LOOP;
            END LOOP;
            EXIT WHEN NOT v_improved OR cardinality(v_focus) > 0;
        END LOOP;
        -- a plateau move that lost a booking the chains did not win back is undone
        IF cardinality(v_focus) > 0 AND v_count < v_saved_count THEN
            v_occ := v_move_occ;
            v_plan := v_move_plan;
            v_count := v_saved_count;
        END IF;

        -- 3. one plateau move: the next left-out booking in turn takes a candidate held by one
        -- or two planned bookings that did not come in within the last v_tenure moves
        v_found := false;
        WHILE NOT v_found AND v_iter < p_moves AND v_count < p_bound LOOP
            v_left := ARRAY(SELECT i FROM generate_series(1, v_n) AS i
                             WHERE v_plan[i] = 0 AND p_cand_first[i] <= p_cand_last[i]
                             ORDER BY p_cand_last[i] - p_cand_first[i], i);
            EXIT WHEN cardinality(v_left) = 0;
            v_iter := v_iter + 1;
            v_u := v_left[1 + v_iter % cardinality(v_left)];
            v_span := p_cand_last[v_u] - p_cand_first[v_u] + 1;
            FOR v_o IN 0 .. v_span - 1 LOOP
                -- the first candidate tried moves on with each move and once more each round of
                -- the list: with the move number alone, the booking's place in the list and its
                -- first candidate advance together, and some pairs never meet
                v_c := p_cand_first[v_u] + (v_o + v_iter + v_iter / cardinality(v_left)) % v_span;
                v_obstacles := seating._plan_obstacles(v_occ, v_m, p_cand_tables, p_width, v_c, p_seg_lo[v_u], p_seg_hi[v_u], 2);
                CONTINUE WHEN cardinality(v_obstacles) > 2
                           OR EXISTS (SELECT FROM unnest(v_obstacles) AS k WHERE v_came[k] + v_tenure > v_iter);
                v_found := true;
                EXIT;
            END LOOP;
        END LOOP;
        EXIT WHEN NOT v_found;
        v_move_occ := v_occ;
        v_move_plan := v_plan;
        v_saved_count := v_count;
        FOREACH v_k IN ARRAY v_obstacles LOOP
            v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_plan[v_k],
                                        p_seg_lo[v_k], p_seg_hi[v_k], v_masks, v_k, false);
            v_plan[v_k] := 0;
        END LOOP;
        v_occ := seating._plan_mark(v_occ, p_tables, v_m, v_words, p_cand_tables, p_width, v_c,
                                    p_seg_lo[v_u], p_seg_hi[v_u], v_masks, v_u, true);
        v_plan[v_u] := v_c;
        v_count := v_count + 1 - cardinality(v_obstacles);
        v_came[v_u] := v_iter;
        v_focus := v_obstacles;
    END LOOP;
    RETURN v_plan;
END;
$$;

COMMENT ON FUNCTION seating._plan_batch(integer[], integer[], integer[], integer[], integer[], integer[], integer[], integer, integer, integer, integer, boolean, integer) IS
    'The batch plan of api.auto_assign_pending: per booking the candidate it gets (0: none), seating as many as greedy, augmenting chains and bounded plateau moves find (p_moves, p_deep: chains two deep after a move; stops once p_bound are seated). Pure.';
REVOKE ALL ON FUNCTION seating._plan_batch(integer[], integer[], integer[], integer[], integer[], integer[], integer[], integer, integer, integer, integer, boolean, integer) FROM PUBLIC;
