-- seating._purge_expired_holds: delete ledger rows of expired holds on the given tables. An
-- EXCLUDE predicate cannot mention now(), so an expired hold stays in the ledger until someone
-- removes it; whoever is about to take these tables does, holding their locks.
CREATE OR REPLACE FUNCTION seating._purge_expired_holds(p_restaurant_id uuid, p_table_ids uuid[])
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
BEGIN
    DELETE FROM seating.allocations AS a
     USING seating.table_holds AS h
     WHERE a.restaurant_id = p_restaurant_id
       AND a.table_id = ANY (p_table_ids)
       AND h.restaurant_id = a.restaurant_id
       AND h.id = a.hold_id
       AND h.expires_at <= now();
END;
$$;

COMMENT ON FUNCTION seating._purge_expired_holds(uuid, uuid[]) IS
    'Removes expired hold rows from the ledger on the given tables, so they never block a new hold or assignment. Caller holds the table locks.';
REVOKE ALL ON FUNCTION seating._purge_expired_holds(uuid, uuid[]) FROM PUBLIC;
