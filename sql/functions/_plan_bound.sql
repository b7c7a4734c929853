-- seating._plan_bound: at most how many bookings of a batch any assignment can seat, in the
-- model of seating._plan_batch (its arguments); a plan that seats this many is an optimum, so
-- the search stops there. Pure.
--
-- Booking i needs, in each segment s of its window, at least one table of its own among those
-- its candidates use; so the bookings seated over s are at most cap(s), the number of tables
-- that some booking over s could use. The most bookings under these per-segment capacities (a
-- relaxation: it forgets which tables) is found by taking them by earliest end while every
-- segment has room left. Why that is exact: given a best choice that agrees with the greedy
-- so far, if the greedy takes the next booking b and the choice does not, the leftmost
-- segment where adding b overflows holds a chosen booking c not yet decided, which ends no
-- earlier than b and so covers every overflowing segment; the choice with b for c is as large.
CREATE OR REPLACE FUNCTION seating._plan_bound(
    p_seg_lo integer[], p_seg_hi integer[], p_cand_first integer[], p_cand_last integer[],
    p_cand_tables integer[], p_width integer, p_tables integer, p_segments integer)
RETURNS integer
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
DECLARE
    v_cap integer[] := array_fill(0, ARRAY[greatest(p_segments, 1)]);
    v_usable boolean[] := array_fill(false, ARRAY[greatest(p_segments * p_tables, 1)]);
    v_seen integer[] := array_fill(0, ARRAY[greatest(p_tables, 1)]);  -- the last booking that named table t
    v_count integer := 0;
    v_fits boolean;
    v_t integer;
    v_i integer;
BEGIN
    FOR v_i IN 1 .. cardinality(p_seg_lo) LOOP
        FOR v_c IN p_cand_first[v_i] .. p_cand_last[v_i] LOOP
            FOR v_o IN 1 .. p_width LOOP
                v_t := p_cand_tables[(v_c - 1) * p_width + v_o];
                EXIT WHEN v_t = 0;
                CONTINUE WHEN v_seen[v_t] = v_i;
                v_seen[v_t] := v_i;
                FOR v_s IN p_seg_lo[v_i] .. p_seg_hi[v_i] LOOP
                    IF NOT v_usable[(v_s - 1) * p_tables + v_t] THEN
                        v_usable[(v_s - 1) * p_tables + v_t] := true;
                        v_cap[v_s] := v_cap[v_s] + 1;
                    END IF;
                END LOOP;
            END LOOP;
        END LOOP;
    END LOOP;
    FOR v_i IN SELECT i FROM generate_series(1, cardinality(p_seg_lo)) AS i
                WHERE p_cand_first[i] <= p_cand_last[i]
                ORDER BY p_seg_hi[i], i LOOP
        v_fits := true;
        FOR v_s IN p_seg_lo[v_i] .. p_seg_hi[v_i] LOOP
            IF v_cap[v_s] = 0 THEN
                v_fits := false;
                EXIT;
            END IF;
        END LOOP;
        CONTINUE WHEN NOT v_fits;
        FOR v_s IN p_seg_lo[v_i] .. p_seg_hi[v_i] LOOP
            v_cap[v_s] := v_cap[v_s] - 1;
        END LOOP;
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION seating._plan_bound(integer[], integer[], integer[], integer[], integer[], integer, integer, integer) IS
    'Batch plan: an upper bound on the bookings any assignment seats (per segment, no more bookings than usable tables; exact for that relaxation). Pure.';
REVOKE ALL ON FUNCTION seating._plan_bound(integer[], integer[], integer[], integer[], integer[], integer, integer, integer) FROM PUBLIC;
