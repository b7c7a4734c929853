-- seating._find_session: a session by id, or SESSION_NOT_FOUND.
CREATE OR REPLACE FUNCTION seating._find_session(p_session_id uuid)
RETURNS seating.manual_assignment_sessions
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
BEGIN
    SELECT s.* INTO v_session FROM seating.manual_assignment_sessions AS s WHERE s.id = p_session_id;
    IF NOT FOUND THEN
        PERFORM seating._raise_error('SESSION_NOT_FOUND', format('Session %s does not exist.', p_session_id),
            jsonb_build_object('sessionId', p_session_id));
    END IF;
    RETURN v_session;
END;
$$;

COMMENT ON FUNCTION seating._find_session(uuid) IS 'Returns the session; SESSION_NOT_FOUND when there is none.';
REVOKE ALL ON FUNCTION seating._find_session(uuid) FROM PUBLIC;
