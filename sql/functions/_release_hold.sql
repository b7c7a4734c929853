-- seating._release_hold: release a session's hold. Its ledger rows go with it
-- (allocations.hold_id ... ON DELETE CASCADE). The caller holds the session and table locks.
CREATE OR REPLACE FUNCTION seating._release_hold(p_restaurant_id uuid, p_session_id uuid)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
SET enable_seqscan = off -- whichever caller plans it first (the sweeper, a trigger), the hold is found by index
AS $$
BEGIN
    DELETE FROM seating.table_holds AS h
     WHERE h.restaurant_id = p_restaurant_id AND h.session_id = p_session_id;
END;
$$;

COMMENT ON FUNCTION seating._release_hold(uuid, uuid) IS
    'Deletes a session''s hold and, by cascade, its ledger rows. Caller holds the session and table locks.';
REVOKE ALL ON FUNCTION seating._release_hold(uuid, uuid) FROM PUBLIC;
