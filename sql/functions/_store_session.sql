-- seating._store_session: write a session after an evaluation: a new one is inserted once, in
-- its final state; an existing one is updated. HELD with the hold's expiry when the selection
-- passed, else PROPOSED. p_first_held_at is the session's first hold (it caps later holds).
CREATE OR REPLACE FUNCTION seating._store_session(
    p_session seating.manual_assignment_sessions, p_created boolean, p_booking seating.bookings, p_staff_id uuid,
    p_table_ids uuid[], p_require_adjacency boolean, p_checks jsonb, p_passes boolean,
    p_expires_at timestamptz, p_first_held_at timestamptz)
RETURNS seating.manual_assignment_sessions
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
BEGIN
    IF p_created THEN
        INSERT INTO seating.manual_assignment_sessions AS s (id, restaurant_id, booking_id, created_by, status,
            proposed_tables, require_adjacency, checks, hold_expires_at, first_held_at, last_validated_at)
        VALUES (p_session.id, p_booking.restaurant_id, p_booking.id, p_staff_id,
                CASE WHEN p_passes THEN 'HELD' ELSE 'PROPOSED' END, to_jsonb(p_table_ids), p_require_adjacency,
                p_checks, p_expires_at, p_first_held_at, now())
        RETURNING s.* INTO v_session;
    ELSE
        UPDATE seating.manual_assignment_sessions AS s
           SET status = CASE WHEN p_passes THEN 'HELD' ELSE 'PROPOSED' END,
               proposed_tables = to_jsonb(p_table_ids),
               require_adjacency = p_require_adjacency,
               checks = p_checks,
               hold_expires_at = p_expires_at,
               first_held_at = p_first_held_at,
               last_validated_at = now(),
               updated_at = now()
         WHERE s.restaurant_id = p_session.restaurant_id AND s.id = p_session.id
        RETURNING s.* INTO v_session;
    END IF;
    RETURN v_session;
END;
$$;

COMMENT ON FUNCTION seating._store_session(seating.manual_assignment_sessions, boolean, seating.bookings, uuid, uuid[], boolean, jsonb, boolean, timestamptz, timestamptz) IS
    'Inserts (p_created) or updates a session with a selection and its checks: HELD until p_expires_at when p_passes, else PROPOSED.';
REVOKE ALL ON FUNCTION seating._store_session(seating.manual_assignment_sessions, boolean, seating.bookings, uuid, uuid[], boolean, jsonb, boolean, timestamptz, timestamptz) FROM PUBLIC;
