-- api.legacy_validate: the legacy validate call, on the constraint engine (no writes).
CREATE OR REPLACE FUNCTION api.legacy_validate(
    p_staff_id uuid, p_booking_id uuid, p_table_ids uuid[], p_context_version text,
    p_require_adjacency boolean DEFAULT NULL)
RETURNS TABLE (booking_id uuid, table_ids uuid[], valid boolean, checks jsonb, context_version text)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_ids uuid[] := seating._selection_ids(p_table_ids);
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_own_session uuid;
BEGIN
    IF p_staff_id IS NULL OR p_booking_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id and a booking id are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'bookingId')));
    END IF;
    v_booking := seating._find_booking(p_booking_id);
    PERFORM seating._require_permission(p_staff_id, v_booking.restaurant_id, 'read');
    context_version := seating._require_context_version(v_booking, p_staff_id, p_context_version);
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = v_booking.restaurant_id;
    -- The caller's own hold (a legacy hold is their session) never conflicts with itself.
    v_own_session := (seating._active_session(v_booking.restaurant_id, v_booking.id, p_staff_id)).id;

    booking_id := v_booking.id;
    table_ids := v_ids;
    checks := seating._evaluate(v_booking, v_restaurant, v_ids, p_require_adjacency, v_own_session);
    valid := NOT checks @> '[{"severity": "error"}]';
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.legacy_validate(uuid, uuid, uuid[], text, boolean) IS
'The legacy validate call: the constraint engine''s checks for a selection (valid when none is an error), after checking the caller''s context_version. Writes nothing; the caller''s own hold never conflicts.
Errors: INVALID_INPUT, BOOKING_NOT_FOUND, FORBIDDEN, STALE_CONTEXT (details.contextVersion: the current one), UNKNOWN_TABLES.';
REVOKE ALL ON FUNCTION api.legacy_validate(uuid, uuid, uuid[], text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.legacy_validate(uuid, uuid, uuid[], text, boolean) TO seating_app;
