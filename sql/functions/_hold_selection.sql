-- seating._hold_selection: api.create_session_hold's work (DESIGN §5), with the audit reasons
-- of a successful hold as parameters, so a caller that holds on someone's behalf (automatic
-- assignment) writes its own reason the first time. Steps: lock the booking and check the caller
-- may assign; find (or retire) the caller's active session; lock the tables; run the constraint
-- engine; store the session; take or release the hold; record the transition.
CREATE OR REPLACE FUNCTION seating._hold_selection(
    p_staff_id uuid, p_booking_id uuid, p_table_ids uuid[], p_require_adjacency boolean,
    p_held_reason text, p_changed_reason text)
RETURNS api.session_state
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
SET enable_seqscan = off -- key lookups only: see seating._blockers
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_ids uuid[] := seating._selection_ids(p_table_ids);
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_session seating.manual_assignment_sessions;
    v_created boolean;
    v_from_status text;
    v_held_tables uuid[] := ARRAY[]::uuid[];
    v_checks jsonb;
    v_passes boolean;
    v_held_since timestamptz;
    v_first_held_at timestamptz;
    v_expires_at timestamptz;
BEGIN
    IF p_staff_id IS NULL OR p_booking_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id and a booking id are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'bookingId')));
    END IF;

    -- Lock order: booking, the caller's session, then the tables sorted by id.
    v_booking := seating._find_booking(p_booking_id, true);
    PERFORM seating._require_permission(p_staff_id, v_booking.restaurant_id, 'assign_tables');

    v_session := seating._active_session(v_booking.restaurant_id, v_booking.id, p_staff_id, true);
    IF v_session.status = 'HELD' THEN
        v_held_tables := seating._table_ids(v_session.proposed_tables);
    END IF;
    PERFORM seating._lock_tables(v_booking.restaurant_id, v_ids || v_held_tables);
    -- Read under the table locks: a turnover buffer change re-windows the ledger under them too.
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = v_booking.restaurant_id;

    -- A session past its time is finished; the caller gets a new one.
    IF v_session.status = 'HELD' AND NOT seating._hold_is_live(v_session.hold_expires_at) THEN
        PERFORM seating._close_session(v_session, 'EXPIRED', p_staff_id, 'hold expired');
        v_session := NULL;
    ELSIF v_session.status = 'PROPOSED'
          AND v_session.first_held_at + make_interval(secs => v_restaurant.max_hold_seconds) <= now() THEN
        PERFORM seating._close_session(v_session, 'CANCELLED', p_staff_id,
            'superseded: the session reached its maximum hold time');
        v_session := NULL;
    END IF;
    v_created := v_session.id IS NULL;
    v_from_status := v_session.status;
    IF v_created THEN
        -- Known before the evaluation, so the hold rows can name it; written once, below.
        v_session.id := gen_random_uuid();
    END IF;

    v_checks := seating._evaluate(v_booking, v_restaurant, v_ids, p_require_adjacency, v_session.id);
    v_passes := NOT v_checks @> '[{"severity": "error"}]';
    v_held_since := v_session.first_held_at;
    IF v_passes THEN
        v_first_held_at := coalesce(v_held_since, now());
        v_expires_at := least(now() + make_interval(secs => v_restaurant.hold_ttl_seconds),
                              v_first_held_at + make_interval(secs => v_restaurant.max_hold_seconds));
    END IF;
    v_session := seating._store_session(v_session, v_created, v_booking, p_staff_id, v_ids, p_require_adjacency,
                                        v_checks, v_passes, v_expires_at, coalesce(v_first_held_at, v_held_since));

    IF v_passes THEN
        BEGIN
            PERFORM seating._take_hold(v_booking.restaurant_id, v_booking.id, v_session.id, v_ids,
                seating._booking_window(v_booking.start_at, v_booking.end_at, v_restaurant.turnover_buffer_minutes),
                v_expires_at);
        EXCEPTION WHEN exclusion_violation THEN
            -- Someone wrote the ledger without taking the table locks (e.g. a DBA's maintenance
            -- block). The EXCLUDE constraint had the last word; report what won. This call took
            -- no hold, so the session's first hold time stays what it was.
            v_passes := false;
            v_checks := seating._evaluate(v_booking, v_restaurant, v_ids, p_require_adjacency, v_session.id);
            v_session := seating._store_session(v_session, false, v_booking, p_staff_id, v_ids, p_require_adjacency,
                                                v_checks, false, NULL, v_held_since);
        END;
    END IF;
    IF NOT v_passes AND v_from_status = 'HELD' THEN
        PERFORM seating._release_hold(v_booking.restaurant_id, v_session.id);
    END IF;

    IF v_from_status IS DISTINCT FROM v_session.status THEN
        PERFORM seating._record_transition(v_session.restaurant_id, v_session.id, v_from_status, v_session.status,
            p_staff_id, CASE WHEN v_passes THEN p_held_reason ELSE seating._failure_reason(v_checks) END);
    ELSIF v_passes AND NOT (v_held_tables @> v_ids AND v_ids @> v_held_tables) THEN
        PERFORM seating._record_transition(v_session.restaurant_id, v_session.id, 'HELD', 'HELD',
            p_staff_id, p_changed_reason);
    END IF;

    RETURN seating._session_state(v_session, v_created);
END;
$$;

COMMENT ON FUNCTION seating._hold_selection(uuid, uuid, uuid[], boolean, text, text) IS
    'api.create_session_hold with the audit reasons of a hold taken (p_held_reason) and of a held selection changed (p_changed_reason) as parameters.';
REVOKE ALL ON FUNCTION seating._hold_selection(uuid, uuid, uuid[], boolean, text, text) FROM PUBLIC;
