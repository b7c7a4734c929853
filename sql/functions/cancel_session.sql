-- api.cancel_session: release a session's hold and end it (DESIGN §5).
CREATE OR REPLACE FUNCTION api.cancel_session(p_staff_id uuid, p_session_id uuid)
RETURNS api.session_state
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
    v_tables uuid[];
BEGIN
    IF p_staff_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id is required.', jsonb_build_object('field', 'staffId'));
    END IF;
    v_session := seating._lock_session(p_session_id);

    IF v_session.created_by <> p_staff_id THEN
        PERFORM seating._require_permission(p_staff_id, v_session.restaurant_id, 'cancel_any_session');
    END IF;

    IF v_session.status = 'CONFIRMED' THEN
        PERFORM seating._raise_error('SESSION_CLOSED', 'A confirmed session cannot be cancelled; hold new tables to move the party.',
            jsonb_build_object('sessionId', v_session.id, 'status', v_session.status));
    ELSIF v_session.status IN ('CANCELLED', 'EXPIRED') THEN
        RETURN seating._session_state(v_session);
    END IF;

    SELECT array_agg(a.table_id) INTO v_tables
      FROM seating.allocations AS a
      JOIN seating.table_holds AS h ON h.restaurant_id = a.restaurant_id AND h.id = a.hold_id
     WHERE h.restaurant_id = v_session.restaurant_id AND h.session_id = v_session.id;
    PERFORM seating._lock_tables(v_session.restaurant_id, v_tables);

    IF v_session.status = 'HELD' AND NOT seating._hold_is_live(v_session.hold_expires_at) THEN
        v_session := seating._close_session(v_session, 'EXPIRED', p_staff_id, 'hold expired');
    ELSE
        v_session := seating._close_session(v_session, 'CANCELLED', p_staff_id, 'cancelled');
    END IF;
    RETURN seating._session_state(v_session);
END;
$$;

COMMENT ON FUNCTION api.cancel_session(uuid, uuid) IS
'Cancels a PROPOSED or HELD session and releases its hold. The creator or a manager/owner of the restaurant may cancel.
Cancelling a CANCELLED or EXPIRED session returns it unchanged; a hold found expired is recorded as EXPIRED.
Errors: INVALID_INPUT, SESSION_NOT_FOUND, FORBIDDEN, SESSION_CLOSED (a CONFIRMED session).';
REVOKE ALL ON FUNCTION api.cancel_session(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.cancel_session(uuid, uuid) TO seating_app;
