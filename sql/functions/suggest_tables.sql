-- api.suggest_tables: the best selections for a booking right now (DESIGN §12), each one the
-- constraint engine passes; no rows when nothing fits (api.auto_assign says why).
CREATE OR REPLACE FUNCTION api.suggest_tables(
    p_staff_id uuid, p_booking_id uuid, p_limit integer DEFAULT 5, p_require_adjacency boolean DEFAULT NULL)
RETURNS TABLE (rank integer, table_ids uuid[], table_numbers text[], total_capacity integer, slack integer,
               score integer, reasons jsonb)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_session_id uuid;
BEGIN
    IF p_staff_id IS NULL OR p_booking_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id and a booking id are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'bookingId')));
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 50 THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'limit must be between 1 and 50.',
            jsonb_build_object('field', 'limit', 'min', 1, 'max', 50, 'given', p_limit));
    END IF;
    v_booking := seating._find_booking(p_booking_id);
    PERFORM seating._require_permission(p_staff_id, v_booking.restaurant_id, 'read');
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = v_booking.restaurant_id;
    -- The caller's own hold is theirs to keep or swap, not a conflict.
    v_session_id := (seating._active_session(v_booking.restaurant_id, v_booking.id, p_staff_id)).id;

    RETURN QUERY SELECT s.* FROM seating._suggestions(v_booking, v_restaurant, p_require_adjacency, v_session_id, p_limit) AS s;
END;
$$;

COMMENT ON FUNCTION api.suggest_tables(uuid, uuid, integer, boolean) IS
'Suggests tables for a booking: up to p_limit (1-50) selections the constraint engine passes now, best first (rank 1).
Ranking: fewest empty seats, then fewest tables, then keep scarce tables (large ones, the ones larger waiting parties could use) free, then table numbers.
score = 1000 * slack + 100 * (tables - 1) + scarcity; reasons explains it. The caller''s own hold does not count as a conflict.
Groups: single tables and up to max_tables_per_booking tables of one zone, joined per the restaurant''s adjacency mode (p_require_adjacency false: any tables of one zone).
No rows when nothing fits. Errors: INVALID_INPUT, BOOKING_NOT_FOUND, FORBIDDEN.';
REVOKE ALL ON FUNCTION api.suggest_tables(uuid, uuid, integer, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.suggest_tables(uuid, uuid, integer, boolean) TO seating_app;
