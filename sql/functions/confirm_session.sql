-- api.confirm_session: turn a session's hold into the booking's assignment (DESIGN §5).
-- Steps: lock the session (after its booking); only its creator, with a role that may assign;
-- a CONFIRMED session is returned as it is; it must be HELD and not expired; then
-- seating._confirm_held_session does the rest in this transaction.
CREATE OR REPLACE FUNCTION api.confirm_session(p_staff_id uuid, p_session_id uuid)
RETURNS api.session_state
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
SET enable_seqscan = off -- key lookups only: see seating._blockers
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
BEGIN
    IF p_staff_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id is required.', jsonb_build_object('field', 'staffId'));
    END IF;
    v_session := seating._lock_session(p_session_id);

    IF v_session.created_by <> p_staff_id THEN
        PERFORM seating._raise_error('FORBIDDEN', 'Only the staff member who started a session may confirm it.',
            jsonb_build_object('sessionId', v_session.id, 'staffId', p_staff_id));
    END IF;
    PERFORM seating._require_permission(p_staff_id, v_session.restaurant_id, 'assign_tables');

    IF v_session.status = 'CONFIRMED' THEN
        RETURN seating._session_state(v_session);
    ELSIF v_session.status = 'CANCELLED' THEN
        PERFORM seating._raise_error('SESSION_CLOSED', 'The session was cancelled and cannot be confirmed.',
            jsonb_build_object('sessionId', v_session.id, 'status', v_session.status));
    ELSIF v_session.status = 'EXPIRED' OR NOT seating._hold_is_live(v_session.hold_expires_at) THEN
        PERFORM seating._raise_error('HOLD_EXPIRED', 'The hold expired before it was confirmed.',
            jsonb_build_object('sessionId', v_session.id,
                               'holdExpiredAt', v_session.hold_expires_at));
    ELSIF v_session.status = 'PROPOSED' THEN
        PERFORM seating._raise_error('SESSION_NOT_HELD', 'The session holds no tables: its selection failed a check.',
            jsonb_build_object('sessionId', v_session.id, 'checks', v_session.checks));
    END IF;

    v_session := seating._confirm_held_session(v_session, p_staff_id, 'confirmed');
    RETURN seating._session_state(v_session);
END;
$$;

COMMENT ON FUNCTION api.confirm_session(uuid, uuid) IS
'Confirms a HELD session: its tables replace the booking''s assignment, a pending booking becomes confirmed, the booking''s other active sessions are cancelled.
Only the session''s creator may confirm. Confirming a CONFIRMED session returns it unchanged.
Errors: INVALID_INPUT, SESSION_NOT_FOUND, FORBIDDEN, SESSION_CLOSED, HOLD_EXPIRED, SESSION_NOT_HELD, VALIDATION_FAILED (details.checks).';
REVOKE ALL ON FUNCTION api.confirm_session(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.confirm_session(uuid, uuid) TO seating_app;
