-- seating._plan_mark: a batch plan's occupancy (seating._plan_batch) with candidate p_cand's
-- tables given to booking p_booking (p_take) or freed (not p_take) during its segments p_lo ..
-- p_hi. The occupancy holds, per table t, its segments' occupants (cell (t-1)*p_segments+s, 0
-- when free) and then the same as bits: words p_tables*p_segments + (t-1)*p_words + 1 ..
-- p_words, set where busy; p_masks holds each booking's segments as such words.
CREATE OR REPLACE FUNCTION seating._plan_mark(
    p_occ bigint[], p_tables integer, p_segments integer, p_words integer, p_cand_tables integer[],
    p_width integer, p_cand integer, p_lo integer, p_hi integer, p_masks bigint[], p_booking integer, p_take boolean)
RETURNS bigint[]
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
DECLARE
    v_occ bigint[] := p_occ;
    v_t integer;
    v_at integer;
BEGIN
    FOR v_o IN 1 .. p_width LOOP
        v_t := p_cand_tables[(p_cand - 1) * p_width + v_o];
        EXIT WHEN v_t = 0;
        FOR v_s IN p_lo .. p_hi LOOP
            v_occ[(v_t - 1) * p_segments + v_s] := CASE WHEN p_take THEN p_booking ELSE 0 END;
        END LOOP;
        v_at := p_tables * p_segments + (v_t - 1) * p_words;
        FOR v_x IN 1 .. p_words LOOP
            v_occ[v_at + v_x] := CASE WHEN p_take THEN v_occ[v_at + v_x] | p_masks[(p_booking - 1) * p_words + v_x]
                                      ELSE v_occ[v_at + v_x] & ~p_masks[(p_booking - 1) * p_words + v_x] END;
        END LOOP;
    END LOOP;
    RETURN v_occ;
END;
$$;

COMMENT ON FUNCTION seating._plan_mark(bigint[], integer, integer, integer, integer[], integer, integer, integer, integer, bigint[], integer, boolean) IS
    'Batch plan: the occupancy with a candidate''s tables given to a booking or freed over its segments, cells and bits.';
REVOKE ALL ON FUNCTION seating._plan_mark(bigint[], integer, integer, integer, integer[], integer, integer, integer, integer, bigint[], integer, boolean) FROM PUBLIC;
