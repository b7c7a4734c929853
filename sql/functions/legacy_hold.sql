-- api.legacy_hold: the legacy hold call, as the caller's session underneath (create_session_hold),
-- so the legacy flow takes the same locks and can no more double-book than the session flow.
-- All or nothing: a stale context or a failing selection leaves everything as it was.
CREATE OR REPLACE FUNCTION api.legacy_hold(
    p_staff_id uuid, p_booking_id uuid, p_table_ids uuid[], p_context_version text,
    p_require_adjacency boolean DEFAULT NULL)
RETURNS TABLE (hold_id uuid, booking_id uuid, table_ids uuid[], expires_at timestamptz, checks jsonb,
               context_version text)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_state api.session_state;
    v_booking seating.bookings;
BEGIN
    IF p_context_version IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A contextVersion is required: read the context first.',
            jsonb_build_object('field', 'contextVersion'));
    END IF;
    v_state := api.create_session_hold(p_staff_id, p_booking_id, p_table_ids, p_require_adjacency);
    -- Checked after the hold, under its locks: nothing relevant changed since the caller read the
    -- context, up to the moment this hold was taken (their own hold does not count).
    SELECT b.* INTO v_booking FROM seating.bookings AS b
     WHERE b.restaurant_id = v_state.restaurant_id AND b.id = v_state.booking_id;
    context_version := seating._require_context_version(v_booking, p_staff_id, p_context_version);
    IF v_state.status <> 'HELD' THEN
        PERFORM seating._raise_error('VALIDATION_FAILED', 'The tables cannot be held: a check fails.',
            jsonb_build_object('bookingId', v_state.booking_id, 'checks', v_state.checks));
    END IF;
    hold_id := v_state.id;
    booking_id := v_state.booking_id;
    table_ids := seating._table_ids(v_state.proposed_tables);
    expires_at := v_state.hold_expires_at;
    checks := v_state.checks;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.legacy_hold(uuid, uuid, uuid[], text, boolean) IS
'The legacy hold call: holds the tables through the caller''s session for the booking (hold_id is that session''s id, readable with api.get_session). Holding again replaces the caller''s previous hold of the booking.
All or nothing: STALE_CONTEXT when the context changed since the caller read it, VALIDATION_FAILED (details.checks) when a check fails; either way nothing changes.
Errors: INVALID_INPUT, BOOKING_NOT_FOUND, FORBIDDEN, UNKNOWN_TABLES, STALE_CONTEXT, VALIDATION_FAILED.';
REVOKE ALL ON FUNCTION api.legacy_hold(uuid, uuid, uuid[], text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.legacy_hold(uuid, uuid, uuid[], text, boolean) TO seating_app;
