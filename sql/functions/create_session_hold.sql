-- api.create_session_hold: validate a selection and hold it, atomically (DESIGN §5); the work is
-- seating._hold_selection's, with the manual flow's audit reasons.
CREATE OR REPLACE FUNCTION api.create_session_hold(
    p_staff_id uuid, p_booking_id uuid, p_table_ids uuid[], p_require_adjacency boolean DEFAULT NULL)
RETURNS api.session_state
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
BEGIN
    RETURN seating._hold_selection(p_staff_id, p_booking_id, p_table_ids, p_require_adjacency,
                                   'selection held', 'selection changed');
END;
$$;

COMMENT ON FUNCTION api.create_session_hold(uuid, uuid, uuid[], boolean) IS
'Validates and holds tables for a booking in one step (the manual assignment flow).
Finds or starts the caller''s active session for the booking; HELD when every check passes, else PROPOSED with the failing checks.
Same tables again: same session and hold, expiry refreshed (capped at max_hold_seconds after the first hold). Other tables: the hold is swapped in place.
p_require_adjacency false turns the adjacency check off for this selection. Returns the session (created = true when this call started it).
Errors: INVALID_INPUT, BOOKING_NOT_FOUND, FORBIDDEN, UNKNOWN_TABLES.';
REVOKE ALL ON FUNCTION api.create_session_hold(uuid, uuid, uuid[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.create_session_hold(uuid, uuid, uuid[], boolean) TO seating_app;
