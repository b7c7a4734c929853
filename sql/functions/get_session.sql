-- api.get_session: read a session, expiry applied (a hold past its expiry reads as EXPIRED).
CREATE OR REPLACE FUNCTION api.get_session(p_staff_id uuid, p_session_id uuid)
RETURNS api.session_state
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
BEGIN
    IF p_staff_id IS NULL OR p_session_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id and a session id are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'sessionId')));
    END IF;
    v_session := seating._find_session(p_session_id);
    PERFORM seating._require_permission(p_staff_id, v_session.restaurant_id, 'read');
    RETURN seating._session_state(v_session);
END;
$$;

COMMENT ON FUNCTION api.get_session(uuid, uuid) IS
'Reads a session; any member of its restaurant may. A HELD session past its expiry reads as EXPIRED.
Errors: INVALID_INPUT, SESSION_NOT_FOUND, FORBIDDEN.';
REVOKE ALL ON FUNCTION api.get_session(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.get_session(uuid, uuid) TO seating_app;
