-- api.legacy_confirm: the legacy confirm call: confirm_session on the hold's session, so the
-- booking's assignment is replaced, never added to.
CREATE OR REPLACE FUNCTION api.legacy_confirm(p_staff_id uuid, p_hold_id uuid, p_context_version text DEFAULT NULL)
RETURNS TABLE (hold_id uuid, booking_id uuid, table_ids uuid[], assigned_by uuid, assigned_at timestamptz,
               context_version text)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_state api.session_state;
BEGIN
    IF p_staff_id IS NULL OR p_hold_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id and a hold id are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'holdId')));
    END IF;
    IF p_context_version IS NOT NULL THEN
        v_session := seating._find_session(p_hold_id);
        PERFORM seating._require_permission(p_staff_id, v_session.restaurant_id, 'assign_tables');
        -- A confirmed hold is answered unchanged (a retried confirm), whatever changed since.
        IF v_session.status <> 'CONFIRMED' THEN
            SELECT b.* INTO v_booking FROM seating.bookings AS b
             WHERE b.restaurant_id = v_session.restaurant_id AND b.id = v_session.booking_id;
            PERFORM seating._require_context_version(v_booking, p_staff_id, p_context_version);
        END IF;
    END IF;

    v_state := api.confirm_session(p_staff_id, p_hold_id);

    SELECT b.* INTO v_booking FROM seating.bookings AS b
     WHERE b.restaurant_id = v_state.restaurant_id AND b.id = v_state.booking_id;
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = v_booking.restaurant_id;
    hold_id := v_state.id;
    booking_id := v_state.booking_id;
    table_ids := ARRAY(SELECT e::uuid FROM jsonb_array_elements_text(v_state.assignment -> 'tableIds') AS e);
    assigned_by := (v_state.assignment ->> 'assignedBy')::uuid;
    assigned_at := (v_state.assignment ->> 'assignedAt')::timestamptz;
    context_version := seating._context_version(v_booking, v_restaurant, p_staff_id);
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.legacy_confirm(uuid, uuid, text) IS
'The legacy confirm call: confirms the hold''s session (api.confirm_session): its tables replace the booking''s assignment. p_context_version, when given, must be current (STALE_CONTEXT otherwise); the hold already protects its tables, so it may be omitted.
Returns the assignment and the context_version after it. Errors: as api.confirm_session, plus STALE_CONTEXT.';
REVOKE ALL ON FUNCTION api.legacy_confirm(uuid, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.legacy_confirm(uuid, uuid, text) TO seating_app;
