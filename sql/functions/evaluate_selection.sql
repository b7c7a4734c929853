-- api.evaluate_selection: the constraint engine for callers (DBAs, automatic assignment).
CREATE OR REPLACE FUNCTION api.evaluate_selection(p_booking_id uuid, p_table_ids uuid[], p_require_adjacency boolean DEFAULT NULL)
RETURNS api.selection_evaluation
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_ids uuid[] := seating._selection_ids(p_table_ids);
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_checks jsonb;
BEGIN
    IF p_booking_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A booking id is required.', jsonb_build_object('field', 'bookingId'));
    END IF;
    v_booking := seating._find_booking(p_booking_id);
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = v_booking.restaurant_id;
    v_checks := seating._evaluate(v_booking, v_restaurant, v_ids, p_require_adjacency, NULL);
    RETURN ROW(p_booking_id, v_ids, NOT v_checks @> '[{"severity": "error"}]', v_checks)::api.selection_evaluation;
END;
$$;

COMMENT ON FUNCTION api.evaluate_selection(uuid, uuid[], boolean) IS
'Evaluates tables for a booking without writing anything: every check (booking_status, active, capacity, slack, party_limits, zone, movable, adjacency, conflict), in that order, with severity ok, warning or error.
passed is true when no check is an error. Every live hold counts as a conflict here; the booking''s own assignment does not.
Errors: INVALID_INPUT, BOOKING_NOT_FOUND, UNKNOWN_TABLES.';
REVOKE ALL ON FUNCTION api.evaluate_selection(uuid, uuid[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.evaluate_selection(uuid, uuid[], boolean) TO seating_app;
