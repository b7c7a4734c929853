-- seating._active_session: the caller's active (PROPOSED or HELD) session for a booking, at most
-- one (manual_assignment_sessions_one_active), or a row of nulls. With p_lock it is locked FOR
-- UPDATE (the caller already holds the booking: the fixed lock order).
CREATE OR REPLACE FUNCTION seating._active_session(
    p_restaurant_id uuid, p_booking_id uuid, p_staff_id uuid, p_lock boolean DEFAULT false)
RETURNS seating.manual_assignment_sessions
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
BEGIN
    IF p_lock THEN
        SELECT s.* INTO v_session
          FROM seating.manual_assignment_sessions AS s
         WHERE s.restaurant_id = p_restaurant_id AND s.booking_id = p_booking_id
           AND s.created_by = p_staff_id AND s.status IN ('PROPOSED', 'HELD')
           FOR UPDATE;
    ELSE
        SELECT s.* INTO v_session
          FROM seating.manual_assignment_sessions AS s
         WHERE s.restaurant_id = p_restaurant_id AND s.booking_id = p_booking_id
           AND s.created_by = p_staff_id AND s.status IN ('PROPOSED', 'HELD');
    END IF;
    RETURN v_session;
END;
$$;

COMMENT ON FUNCTION seating._active_session(uuid, uuid, uuid, boolean) IS
    'The staff member''s PROPOSED or HELD session for the booking (locked when p_lock), or nulls. A HELD one may be past its expiry: callers decide.';
REVOKE ALL ON FUNCTION seating._active_session(uuid, uuid, uuid, boolean) FROM PUBLIC;
