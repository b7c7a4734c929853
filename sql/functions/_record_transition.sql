-- seating._record_transition: one row of the session audit trail.
CREATE OR REPLACE FUNCTION seating._record_transition(
    p_restaurant_id uuid, p_session_id uuid, p_from_status text, p_to_status text, p_actor uuid, p_reason text)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
BEGIN
    INSERT INTO seating.session_events (restaurant_id, session_id, from_status, to_status, actor, reason)
    VALUES (p_restaurant_id, p_session_id, p_from_status, p_to_status, p_actor, p_reason);
END;
$$;

COMMENT ON FUNCTION seating._record_transition(uuid, uuid, text, text, uuid, text) IS
    'Appends a session transition to seating.session_events (actor null for the sweeper).';
REVOKE ALL ON FUNCTION seating._record_transition(uuid, uuid, text, text, uuid, text) FROM PUBLIC;
