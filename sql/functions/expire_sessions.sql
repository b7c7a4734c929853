-- api.expire_sessions: the sweeper. Expiry never depends on it (every read and write treats a
-- hold past hold_expires_at as expired); it tidies the ledger and records EXPIRED transitions.
CREATE OR REPLACE FUNCTION api.expire_sessions()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_ids uuid[];
    v_session seating.manual_assignment_sessions;
    v_count integer := 0;
BEGIN
    -- Sessions someone is working on right now are skipped: their own call settles them.
    SELECT array_agg(x.id) INTO v_ids
      FROM (SELECT s.id FROM seating.manual_assignment_sessions AS s
             WHERE s.status = 'HELD' AND NOT seating._hold_is_live(s.hold_expires_at)
             ORDER BY s.restaurant_id, s.id
               FOR UPDATE SKIP LOCKED) AS x;
    IF v_ids IS NULL THEN
        RETURN 0;
    END IF;

    -- All their tables at once, in the global (restaurant, table) order every writer follows.
    PERFORM 1
       FROM (SELECT t.id
               FROM seating.table_inventory AS t
              WHERE (t.restaurant_id, t.id) IN (
                    SELECT a.restaurant_id, a.table_id
                      FROM seating.manual_assignment_sessions AS s
                      JOIN seating.table_holds AS h ON h.restaurant_id = s.restaurant_id AND h.session_id = s.id
                      JOIN seating.allocations AS a ON a.restaurant_id = h.restaurant_id AND a.hold_id = h.id
                     WHERE s.id = ANY (v_ids))
              ORDER BY t.restaurant_id, t.id
                FOR UPDATE) AS locked;

    FOR v_session IN
        SELECT s.* FROM seating.manual_assignment_sessions AS s
         WHERE s.id = ANY (v_ids)
         ORDER BY s.restaurant_id, s.id
    LOOP
        PERFORM seating._close_session(v_session, 'EXPIRED', NULL, 'hold expired (sweeper)');
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION api.expire_sessions() IS
'The sweeper: marks HELD sessions past their expiry EXPIRED, deletes their holds and ledger rows, and returns how many it expired. Safe to run at any time, concurrently with everything else.';
REVOKE ALL ON FUNCTION api.expire_sessions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.expire_sessions() TO seating_app;
