-- seating._plan_masks: each booking's segments as bits, for the batch plan's free tests
-- (seating._plan_batch, seating._plan_branch): booking i's words are (i-1)*w+1 .. i*w, with
-- w = (p_segments + 61) / 62 words of 62 segments (no sign bit, no overflow); segment s is bit
-- (s-1) % 62 of word (s-1) / 62 + 1. A table is free for booking i when none of its busy bits
-- meets these. Pure.
CREATE OR REPLACE FUNCTION seating._plan_masks(p_seg_lo integer[], p_seg_hi integer[], p_segments integer)
RETURNS bigint[]
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
DECLARE
    v_words integer := (p_segments + 61) / 62;
    v_masks bigint[] := array_fill(0::bigint, ARRAY[greatest(cardinality(p_seg_lo) * ((p_segments + 61) / 62), 1)]);
BEGIN
    FOR v_i IN 1 .. coalesce(cardinality(p_seg_lo), 0) LOOP
        FOR v_s IN p_seg_lo[v_i] .. p_seg_hi[v_i] LOOP
            v_masks[(v_i - 1) * v_words + (v_s - 1) / 62 + 1] :=
                v_masks[(v_i - 1) * v_words + (v_s - 1) / 62 + 1] | (1::bigint << ((v_s - 1) % 62));
        END LOOP;
    END LOOP;
    RETURN v_masks;
END;
$$;

COMMENT ON FUNCTION seating._plan_masks(integer[], integer[], integer) IS
    'Batch plan: each booking''s segments as words of 62 bits, for the free tests of seating._plan_batch and seating._plan_branch. Pure.';
REVOKE ALL ON FUNCTION seating._plan_masks(integer[], integer[], integer) FROM PUBLIC;
