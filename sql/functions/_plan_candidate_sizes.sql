-- seating._plan_candidate_sizes: per candidate of a batch plan's model (seating._plan_batch),
-- how many tables it takes: its table numbers in p_cand_tables' slots (c-1)*p_width+1 ..
-- c*p_width up to the first 0 (padding), a table named twice counted once. Pure.
CREATE OR REPLACE FUNCTION seating._plan_candidate_sizes(p_cand_tables integer[], p_width integer)
RETURNS integer[]
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
DECLARE
    v_sizes integer[] := array_fill(0, ARRAY[cardinality(p_cand_tables) / greatest(p_width, 1)]);
    v_named_by integer[] := '{}'::integer[];  -- per table, the last candidate that named it
    v_t integer;
BEGIN
    FOR v_c IN 1 .. cardinality(p_cand_tables) / greatest(p_width, 1) LOOP
        FOR v_o IN 1 .. p_width LOOP
            v_t := p_cand_tables[(v_c - 1) * p_width + v_o];
            EXIT WHEN v_t = 0;
            CONTINUE WHEN v_named_by[v_t] = v_c;
            v_named_by[v_t] := v_c;
            v_sizes[v_c] := v_sizes[v_c] + 1;
        END LOOP;
    END LOOP;
    RETURN v_sizes;
END;
$$;

COMMENT ON FUNCTION seating._plan_candidate_sizes(integer[], integer) IS
    'Batch plan: per candidate, the tables it takes (a table named twice counts once), for seating._plan_bound and seating._plan_branch. Pure.';
REVOKE ALL ON FUNCTION seating._plan_candidate_sizes(integer[], integer) FROM PUBLIC;
