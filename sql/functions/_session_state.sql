-- seating._session_state: a session row as callers see it, expiry applied.
CREATE OR REPLACE FUNCTION seating._session_state(p_session seating.manual_assignment_sessions, p_created boolean DEFAULT false)
RETURNS api.session_state
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
BEGIN
    RETURN ROW(
        p_session.id,
        p_session.booking_id,
        p_session.restaurant_id,
        p_session.created_by,
        CASE WHEN p_session.status = 'HELD' AND NOT seating._hold_is_live(p_session.hold_expires_at)
             THEN 'EXPIRED' ELSE p_session.status END,
        p_session.proposed_tables,
        CASE WHEN seating._hold_is_live(p_session.hold_expires_at) THEN p_session.hold_expires_at END,
        p_session.last_validated_at,
        p_session.checks,
        p_session.created_at,
        p_session.updated_at,
        CASE WHEN p_session.status = 'CONFIRMED'
             THEN jsonb_build_object('tableIds', p_session.proposed_tables,
                                     'assignedBy', p_session.created_by,
                                     'assignedAt', p_session.confirmed_at) END,
        coalesce(p_created, false)
    )::api.session_state;
END;
$$;

COMMENT ON FUNCTION seating._session_state(seating.manual_assignment_sessions, boolean) IS
    'Maps a session row to api.session_state: a HELD session past hold_expires_at reads as EXPIRED with no expiry.';
REVOKE ALL ON FUNCTION seating._session_state(seating.manual_assignment_sessions, boolean) FROM PUBLIC;
