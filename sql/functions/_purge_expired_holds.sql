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
    -- for that table only (with an array, generic plans scanned every hold row).
    FOREACH v_table_id IN ARRAY p_table_ids LOOP
        DELETE FROM seating.allocations AS a
         USING seating.table_holds AS h
         WHERE a.table_id = v_table_id
           AND a.kind = 'hold'
           AND (a.restaurant_id = p_restaurant_id) IS TRUE  -- see seating._blockers
           AND h.restaurant_id = a.restaurant_id
           AND h.id = a.hold_id
           AND h.expires_at <= now();
    END LOOP;
END;
$$;

COMMENT ON FUNCTION seating._purge_expired_holds(uuid, uuid[]) IS
    'Removes expired hold rows from the ledger on the given tables, so they never block a new hold or assignment. Caller holds the table locks.';
REVOKE ALL ON FUNCTION seating._purge_expired_holds(uuid, uuid[]) FROM PUBLIC;
