-- api.auto_assign: give a booking its best suggestion through the session path (DESIGN §12).
-- Lock order as every writer: the booking, then the candidates' tables in id order; then the
-- first candidate the engine still passes is held and confirmed (a candidate taken while this
-- waited for the locks is skipped). NO_FIT, with why, when none passes; nothing is written then.
CREATE OR REPLACE FUNCTION api.auto_assign(p_staff_id uuid, p_booking_id uuid, p_require_adjacency boolean DEFAULT NULL)
RETURNS api.session_state
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_session_id uuid;
    v_selections jsonb;
    v_state api.session_state;
    v_why jsonb;
    v_confirmed seating.manual_assignment_sessions;
BEGIN
    IF p_staff_id IS NULL OR p_booking_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id and a booking id are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'bookingId')));
    END IF;
    v_booking := seating._find_booking(p_booking_id, true);
    PERFORM seating._require_permission(p_staff_id, v_booking.restaurant_id, 'auto_assign');
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = v_booking.restaurant_id;
    v_session_id := (seating._active_session(v_booking.restaurant_id, v_booking.id, p_staff_id)).id;

    SELECT jsonb_agg(to_jsonb(s.table_ids) ORDER BY s.rank) INTO v_selections
      FROM seating._suggestions(v_booking, v_restaurant, p_require_adjacency, v_session_id, 20) AS s;
    -- Already on its best tables: the session that assigned them, unchanged (no churn of history).
    SELECT s.* INTO v_confirmed
      FROM seating.manual_assignment_sessions AS s
     WHERE s.restaurant_id = v_booking.restaurant_id AND s.booking_id = v_booking.id AND s.status = 'CONFIRMED'
       AND s.proposed_tables @> (v_selections -> 0) AND (v_selections -> 0) @> s.proposed_tables
       AND s.id = (SELECT a.session_id FROM seating.booking_table_assignments AS a
                    WHERE a.restaurant_id = v_booking.restaurant_id AND a.booking_id = v_booking.id
                      AND a.released_at IS NULL
                    LIMIT 1);
    IF v_confirmed.id IS NOT NULL THEN
        RETURN seating._session_state(v_confirmed);
    END IF;
    IF v_selections IS NOT NULL THEN
        PERFORM seating._lock_tables(v_booking.restaurant_id,
            ARRAY(SELECT DISTINCT x.value::uuid FROM jsonb_array_elements(v_selections) AS e (value)
                   CROSS JOIN LATERAL jsonb_array_elements_text(e.value) AS x (value)));
        v_state := seating._assign_first_passing(p_staff_id, v_booking, v_restaurant, p_require_adjacency, v_selections);
    END IF;
    IF v_state.id IS NULL THEN
        v_why := seating._no_fit(v_booking, v_restaurant, p_require_adjacency, v_session_id);
        PERFORM seating._raise_error('NO_FIT', v_why ->> 'message', v_why || jsonb_build_object('bookingId', v_booking.id));
    END IF;
    RETURN v_state;
END;
$$;

COMMENT ON FUNCTION api.auto_assign(uuid, uuid, boolean) IS
'Assigns a booking its best suggestion (api.suggest_tables) through a session: hold then confirm, in one transaction, as the caller; audit reasons say auto-assigned.
A candidate taken meanwhile is skipped for the next one. Returns the session, CONFIRMED. A booking that has tables is moved when a better selection passes (its own tables never block it); one already on its best tables gets the session that assigned them, unchanged.
Errors: INVALID_INPUT, BOOKING_NOT_FOUND, FORBIDDEN (owner, manager, host may), NO_FIT (details.reason: booking_closed, no_capacity, slack, taken with takenTables, rejected).';
REVOKE ALL ON FUNCTION api.auto_assign(uuid, uuid, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.auto_assign(uuid, uuid, boolean) TO seating_app;
