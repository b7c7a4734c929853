-- seating._assign_first_passing: assign a booking the first of the given selections (in order)
-- that the constraint engine passes now, through the session path: the hold of
-- api.create_session_hold (seating._hold_selection) then the confirm step of api.confirm_session
-- (seating._confirm_held_session), as the caller, in the caller's transaction; the session's
-- audit rows say 'auto-assigned: ...' as they are written. A selection is evaluated first, so
-- one taken meanwhile is skipped without writing anything. The caller
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
    v_session seating.manual_assignment_sessions;
BEGIN
    -- The caller's own active session: its hold is theirs, not a conflict.
    v_session_id := (seating._active_session(p_booking.restaurant_id, p_booking.id, p_staff_id)).id;

    FOR v_selection IN SELECT e.value FROM jsonb_array_elements(p_selections) WITH ORDINALITY AS e (value, ord) ORDER BY e.ord
    LOOP
        v_ids := seating._table_ids(v_selection);
        CONTINUE WHEN seating._evaluate(p_booking, p_restaurant, v_ids, p_require_adjacency, v_session_id)
                      @> '[{"severity": "error"}]';
        v_state := seating._hold_selection(p_staff_id, p_booking.id, v_ids, p_require_adjacency,
                                           'auto-assigned: selection held', 'auto-assigned: selection changed');
        -- Not HELD only when someone wrote the ledger without the table locks (the EXCLUDE
        -- constraint had the last word): the next selection.
        CONTINUE WHEN v_state.status <> 'HELD';
        -- Locked as api.confirm_session locks it: the booking, its active sessions by id.
        v_session := seating._lock_session(v_state.id);
        v_session := seating._confirm_held_session(v_session, p_staff_id, 'auto-assigned: confirmed');
        RETURN seating._session_state(v_session);
    END LOOP;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION seating._assign_first_passing(uuid, seating.bookings, seating.restaurants, boolean, jsonb) IS
    'Holds and confirms the first selection (JSON array of id arrays) the engine passes, through the session path''s hold and confirm steps; audit reasons say auto-assigned. Null when none passes.';
REVOKE ALL ON FUNCTION seating._assign_first_passing(uuid, seating.bookings, seating.restaurants, boolean, jsonb) FROM PUBLIC;
