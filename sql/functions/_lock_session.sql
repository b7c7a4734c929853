-- seating._lock_session: find a session and lock it in the fixed order every writer uses:
-- the booking row, then the booking's active sessions and this one (by id), later the tables.
CREATE OR REPLACE FUNCTION seating._lock_session(p_session_id uuid)
RETURNS seating.manual_assignment_sessions
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_restaurant_id uuid;
    v_booking_id uuid;
    v_session seating.manual_assignment_sessions;
BEGIN
    IF p_session_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A session id is required.', jsonb_build_object('field', 'sessionId'));
    END IF;

    v_session := seating._find_session(p_session_id);
    v_restaurant_id := v_session.restaurant_id;
    v_booking_id := v_session.booking_id;

    PERFORM 1 FROM seating.bookings AS b
      WHERE b.restaurant_id = v_restaurant_id AND b.id = v_booking_id
        FOR NO KEY UPDATE;
    PERFORM 1
       FROM (SELECT s.id
               FROM seating.manual_assignment_sessions AS s
              WHERE s.restaurant_id = v_restaurant_id AND s.booking_id = v_booking_id
                AND (s.status IN ('PROPOSED', 'HELD') OR s.id = p_session_id)
              ORDER BY s.id
                FOR UPDATE) AS locked;

    SELECT s.* INTO v_session
      FROM seating.manual_assignment_sessions AS s
     WHERE s.restaurant_id = v_restaurant_id AND s.id = p_session_id;
    RETURN v_session;
END;
$$;

COMMENT ON FUNCTION seating._lock_session(uuid) IS
    'Returns the session, locked after its booking and the booking''s other active sessions (fixed lock order); SESSION_NOT_FOUND when there is none.';
REVOKE ALL ON FUNCTION seating._lock_session(uuid) FROM PUBLIC;
