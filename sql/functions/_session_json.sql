-- seating._session_json: a session as the HTTP API shows it (camelCase JSON).
CREATE OR REPLACE FUNCTION seating._session_json(p_state api.session_state)
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
BEGIN
    IF p_state.id IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN jsonb_build_object(
        'id', p_state.id,
        'bookingId', p_state.booking_id,
        'restaurantId', p_state.restaurant_id,
        'createdBy', p_state.created_by,
        'status', p_state.status,
        'proposedTables', p_state.proposed_tables,
        'holdExpiresAt', p_state.hold_expires_at,
        'lastValidatedAt', p_state.last_validated_at,
        'checks', p_state.checks,
        'createdAt', p_state.created_at,
        'updatedAt', p_state.updated_at,
        'assignment', p_state.assignment);
END;
$$;

COMMENT ON FUNCTION seating._session_json(api.session_state) IS 'A session state as camelCase JSON (null for no session).';
REVOKE ALL ON FUNCTION seating._session_json(api.session_state) FROM PUBLIC;
