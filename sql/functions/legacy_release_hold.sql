-- api.legacy_release_hold: the legacy "delete hold" call: cancel_session on the hold's session.
CREATE OR REPLACE FUNCTION api.legacy_release_hold(p_staff_id uuid, p_hold_id uuid)
RETURNS TABLE (hold_id uuid, booking_id uuid, status text)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_state api.session_state;
BEGIN
    v_state := api.cancel_session(p_staff_id, p_hold_id);
    hold_id := v_state.id;
    booking_id := v_state.booking_id;
    status := v_state.status;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.legacy_release_hold(uuid, uuid) IS
'The legacy release call: cancels the hold''s session and frees its tables (api.cancel_session); releasing twice is harmless.
Errors: INVALID_INPUT, SESSION_NOT_FOUND, FORBIDDEN, SESSION_CLOSED (the hold was confirmed).';
REVOKE ALL ON FUNCTION api.legacy_release_hold(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.legacy_release_hold(uuid, uuid) TO seating_app;
