-- seating._assign_first_passing: assign a booking the first of the given selections (in order)
-- that the constraint engine passes now, through the session path: api.create_session_hold then
-- api.confirm_session, as the caller, in the caller's transaction; the session's audit rows and
-- the booking's status change name automatic assignment ('auto-assigned: ...'). A selection
-- is evaluated first, so one taken meanwhile is skipped without writing anything. The caller
-- holds the booking and the selections' tables locked (booking first, tables in id order).
-- Returns the CONFIRMED session, or null when no selection passes.
CREATE OR REPLACE FUNCTION seating._assign_first_passing(
    p_staff_id uuid, p_booking seating.bookings, p_restaurant seating.restaurants,
    p_require_adjacency boolean, p_selections jsonb)
RETURNS api.session_state
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_session_id uuid;
    v_selection jsonb;
    v_ids uuid[];
    v_state api.session_state;
    v_event_mark bigint;
    v_history_mark bigint;
BEGIN
    -- The caller's own active session: its hold is theirs, not a conflict.
    SELECT s.id INTO v_session_id
      FROM seating.manual_assignment_sessions AS s
     WHERE s.restaurant_id = p_booking.restaurant_id AND s.booking_id = p_booking.id
       AND s.created_by = p_staff_id AND s.status IN ('PROPOSED', 'HELD');

    FOR v_selection IN SELECT e.value FROM jsonb_array_elements(p_selections) WITH ORDINALITY AS e (value, ord) ORDER BY e.ord
    LOOP
        v_ids := seating._table_ids(v_selection);
        CONTINUE WHEN seating._evaluate(p_booking, p_restaurant, v_ids, p_require_adjacency, v_session_id)
                      @> '[{"severity": "error"}]';
        SELECT coalesce(max(e.id), 0) INTO v_event_mark FROM seating.session_events AS e WHERE e.restaurant_id = p_booking.restaurant_id;
        SELECT coalesce(max(h.id), 0) INTO v_history_mark FROM seating.booking_status_history AS h WHERE h.restaurant_id = p_booking.restaurant_id;
        v_state := api.create_session_hold(p_staff_id, p_booking.id, v_ids, p_require_adjacency);
        -- Not HELD only when someone wrote the ledger without the table locks (the EXCLUDE
        -- constraint had the last word): the next selection.
        CONTINUE WHEN v_state.status <> 'HELD';
        v_state := api.confirm_session(p_staff_id, v_state.id);
        UPDATE seating.session_events AS e SET reason = 'auto-assigned: ' || e.reason
         WHERE e.restaurant_id = p_booking.restaurant_id AND e.session_id = v_state.id AND e.id > v_event_mark;
        UPDATE seating.booking_status_history AS h SET reason = 'auto-assigned: ' || h.reason
         WHERE h.restaurant_id = p_booking.restaurant_id AND h.booking_id = p_booking.id AND h.id > v_history_mark;
        RETURN v_state;
    END LOOP;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION seating._assign_first_passing(uuid, seating.bookings, seating.restaurants, boolean, jsonb) IS
    'Holds and confirms the first selection (JSON array of id arrays) the engine passes, through api.create_session_hold and api.confirm_session; audit reasons say auto-assigned. Null when none passes.';
REVOKE ALL ON FUNCTION seating._assign_first_passing(uuid, seating.bookings, seating.restaurants, boolean, jsonb) FROM PUBLIC;
