-- seating._take_hold: hold tables for a session during a window, swapping any hold it has in
-- place: kept tables keep their ledger rows throughout, dropped ones are released, new ones
-- taken. The caller holds the booking, the session and the tables locked, and has checked the
-- selection; the EXCLUDE constraint may still refuse a row written by someone who did not take
-- the table locks (exclusion_violation reaches the caller).
CREATE OR REPLACE FUNCTION seating._take_hold(
    p_restaurant_id uuid, p_booking_id uuid, p_session_id uuid, p_table_ids uuid[], p_window tstzrange,
    p_expires_at timestamptz)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
SET enable_seqscan = off -- key lookups only: see seating._blockers
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_hold_id uuid;
BEGIN
    INSERT INTO seating.table_holds (restaurant_id, session_id, booking_id, expires_at)
    VALUES (p_restaurant_id, p_session_id, p_booking_id, p_expires_at)
    ON CONFLICT (restaurant_id, session_id) DO UPDATE SET expires_at = excluded.expires_at
    RETURNING id INTO v_hold_id;

    DELETE FROM seating.allocations AS a
     WHERE a.restaurant_id = p_restaurant_id AND a.hold_id = v_hold_id
       AND (NOT a.table_id = ANY (p_table_ids) OR a.during <> p_window);
    -- A table the booking's own assignment already covers needs no hold row (the assignment
    -- keeps it; a second row would collide with it in the EXCLUDE constraint).
    INSERT INTO seating.allocations (restaurant_id, table_id, booking_id, kind, during, hold_id)
    SELECT p_restaurant_id, u.id, p_booking_id, 'hold', p_window, v_hold_id
      FROM unnest(p_table_ids) AS u (id)
     WHERE NOT EXISTS (SELECT FROM seating.allocations AS a
                        WHERE a.table_id = u.id AND upper(a.during) > lower(p_window)
                          AND (a.restaurant_id = p_restaurant_id) IS TRUE  -- see seating._blockers
                          AND (a.during && p_window) IS TRUE
                          AND (a.hold_id = v_hold_id OR (a.kind = 'assignment' AND a.booking_id = p_booking_id)));
END;
$$;

COMMENT ON FUNCTION seating._take_hold(uuid, uuid, uuid, uuid[], tstzrange, timestamptz) IS
    'Creates or refreshes a session''s hold (expiry p_expires_at) on exactly the given tables for the window, swapping in place. Caller holds the locks and has run the checks.';
REVOKE ALL ON FUNCTION seating._take_hold(uuid, uuid, uuid, uuid[], tstzrange, timestamptz) FROM PUBLIC;
