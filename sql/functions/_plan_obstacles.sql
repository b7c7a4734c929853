-- seating._plan_obstacles: in a batch plan (seating._plan_batch), the planned bookings that stand
-- in the way of candidate p_cand during segments p_lo .. p_hi: the distinct nonzero occupants of
-- its tables' cells in p_occ (table t, segment s at (t-1)*p_segments+s), in the order met,
-- leaving out p_ignore; it stops at p_limit + 1 of them (enough to say "more than p_limit").
CREATE OR REPLACE FUNCTION seating._plan_obstacles(
    p_occ bigint[], p_segments integer, p_cand_tables integer[], p_width integer, p_cand integer,
    p_lo integer, p_hi integer, p_limit integer, p_ignore integer[] DEFAULT '{}')
RETURNS integer[]
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
DECLARE
    v_found integer[] := '{}'::integer[];
    v_t integer;
    v_k integer;
BEGIN
    FOR v_o IN 1 .. p_width LOOP
        v_t := p_cand_tables[(p_cand - 1) * p_width + v_o];
        EXIT WHEN v_t = 0;
        FOR v_s IN p_lo .. p_hi LOOP
            v_k := p_occ[(v_t - 1) * p_segments + v_s]::integer;
            CONTINUE WHEN v_k = 0 OR v_k = ANY (v_found) OR v_k = ANY (p_ignore);
            v_found := v_found || v_k;
            IF cardinality(v_found) > p_limit THEN
                RETURN v_found;
            END IF;
        END LOOP;
    END LOOP;
    RETURN v_found;
END;
$$;

COMMENT ON FUNCTION seating._plan_obstacles(bigint[], integer, integer[], integer, integer, integer, integer, integer, integer[]) IS
    'Batch plan: the planned bookings on a candidate''s tables during a booking''s segments (at most p_limit + 1; p_ignore left out).';
REVOKE ALL ON FUNCTION seating._plan_obstacles(bigint[], integer, integer[], integer, integer, integer, integer, integer, integer[]) FROM PUBLIC;
