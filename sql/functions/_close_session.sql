-- seating._close_session: end an active session (CANCELLED or EXPIRED): release its hold and
-- record the transition. The caller holds the session row and its tables locked.
CREATE OR REPLACE FUNCTION seating._close_session(
    p_session seating.manual_assignment_sessions, p_to_status text, p_actor uuid, p_reason text)
RETURNS seating.manual_assignment_sessions
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
BEGIN
    PERFORM seating._release_hold(p_session.restaurant_id, p_session.id);

    UPDATE seating.manual_assignment_sessions AS s
       SET status = p_to_status, hold_expires_at = NULL, updated_at = now()
     WHERE s.restaurant_id = p_session.restaurant_id AND s.id = p_session.id
    RETURNING s.* INTO v_session;

    PERFORM seating._record_transition(p_session.restaurant_id, p_session.id, p_session.status, p_to_status, p_actor, p_reason);
    RETURN v_session;
END;
$$;

COMMENT ON FUNCTION seating._close_session(seating.manual_assignment_sessions, text, uuid, text) IS
    'Moves an active session to CANCELLED or EXPIRED, deleting its hold and ledger rows, and records why. Caller must hold the session and table locks.';
REVOKE ALL ON FUNCTION seating._close_session(seating.manual_assignment_sessions, text, uuid, text) FROM PUBLIC;
