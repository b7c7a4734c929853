-- seating._purge_expired_holds: delete ledger rows of expired holds on the given tables. An
-- EXCLUDE predicate cannot mention now(), so an expired hold stays in the ledger until someone
-- removes it; whoever is about to take these tables does, holding their locks.
CREATE OR REPLACE FUNCTION seating._purge_expired_holds(p_restaurant_id uuid, p_table_ids uuid[])
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_table_id uuid;
BEGIN
    -- One table at a time: with a scalar table id the cached plan reads allocations_table_holds_idx
    -- for that table only.
    FOREACH v_table_id IN ARRAY p_table_ids LOOP
        -- No join on hold_id here: a join would let the planner prefer allocations_hold_idx
        -- (every hold row of the chain) over allocations_table_holds_idx (this table's holds).
        DELETE FROM seating.allocations AS a
         WHERE a.table_id = v_table_id
           AND a.kind = 'hold'
           AND (a.restaurant_id = p_restaurant_id) IS TRUE  -- see seating._blockers
           AND (SELECT h.expires_at FROM seating.table_holds AS h
                 WHERE h.restaurant_id = a.restaurant_id AND h.id = a.hold_id) <= now();
    END LOOP;
END;
$$;

COMMENT ON FUNCTION seating._purge_expired_holds(uuid, uuid[]) IS
    'Removes expired hold rows from the ledger on the given tables, so they never block a new hold or assignment. Caller holds the table locks.';
REVOKE ALL ON FUNCTION seating._purge_expired_holds(uuid, uuid[]) FROM PUBLIC;
