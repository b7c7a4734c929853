-- api.create_session_hold: validate a selection and hold it, atomically (DESIGN §5).
-- Finds or starts the caller's active session for the booking, stores the selection, runs the
-- constraint engine and, when no check fails, holds the tables. Repeating the call with the same
-- tables refreshes the same hold; other tables swap it in place; a failing selection returns the
-- session to PROPOSED and releases its hold.
CREATE OR REPLACE FUNCTION api.create_session_hold(
    p_staff_id uuid, p_booking_id uuid, p_table_ids uuid[], p_require_adjacency boolean DEFAULT NULL)
RETURNS api.session_state
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
SET enable_seqscan = off -- key lookups only: see seating._blockers on plans cached while holds were few
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_ids uuid[] := seating._selection_ids(p_table_ids);
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_session seating.manual_assignment_sessions;
    v_created boolean := false;
    v_from_status text;
    v_held_tables uuid[] := '{}';
    v_window tstzrange;
    v_checks jsonb;
    v_passes boolean;
    v_first_held_at timestamptz;
    v_held_since timestamptz;
    v_expires_at timestamptz;
    v_hold_id uuid;
    v_reason text;
BEGIN
    IF p_staff_id IS NULL OR p_booking_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id and a booking id are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'bookingId')));
    END IF;

    -- Lock order: booking, the caller's session, then the tables sorted by id.
    v_booking := seating._find_booking(p_booking_id, true);
    PERFORM seating._require_permission(p_staff_id, v_booking.restaurant_id, 'assign_tables');
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = v_booking.restaurant_id;

    SELECT s.* INTO v_session
      FROM seating.manual_assignment_sessions AS s
     WHERE s.restaurant_id = v_booking.restaurant_id AND s.booking_id = v_booking.id
       AND s.created_by = p_staff_id AND s.status IN ('PROPOSED', 'HELD')
       FOR UPDATE;
    IF v_session.status = 'HELD' THEN
        v_held_tables := seating._table_ids(v_session.proposed_tables);
    END IF;

    PERFORM seating._lock_tables(v_booking.restaurant_id, v_ids || v_held_tables);

    -- A session past its time is finished; the caller gets a new one.
    IF v_session.status = 'HELD' AND v_session.hold_expires_at <= now() THEN
        PERFORM seating._close_session(v_session, 'EXPIRED', p_staff_id, 'hold expired');
        v_session := NULL;
    ELSIF v_session.status = 'PROPOSED'
          AND v_session.first_held_at + make_interval(secs => v_restaurant.max_hold_seconds) <= now() THEN
        PERFORM seating._close_session(v_session, 'CANCELLED', p_staff_id,
            'superseded: the session reached its maximum hold time');
        v_session := NULL;
    END IF;

    -- A new session is written once, in its final state; its id is known before the evaluation
    -- (no hold carries it yet) so the hold rows can name it.
    v_created := v_session.id IS NULL;
    IF v_created THEN
        v_session.id := gen_random_uuid();
    END IF;
    v_held_since := v_session.first_held_at;
    v_from_status := CASE WHEN v_created THEN NULL ELSE v_session.status END;

    v_checks := seating._evaluate(v_booking, v_restaurant, v_ids, p_require_adjacency, v_session.id);
    v_passes := NOT v_checks @> '[{"severity": "error"}]';
    IF v_passes THEN
        v_window := seating._booking_window(v_booking.start_at, v_booking.end_at, v_restaurant.turnover_buffer_minutes);
        v_first_held_at := coalesce(v_session.first_held_at, now());
        v_expires_at := least(now() + make_interval(secs => v_restaurant.hold_ttl_seconds),
                              v_first_held_at + make_interval(secs => v_restaurant.max_hold_seconds));
    END IF;

    IF v_created THEN
        INSERT INTO seating.manual_assignment_sessions AS s (id, restaurant_id, booking_id, created_by, status,
            proposed_tables, require_adjacency, checks, hold_expires_at, first_held_at, last_validated_at)
        VALUES (v_session.id, v_booking.restaurant_id, v_booking.id, p_staff_id,
                CASE WHEN v_passes THEN 'HELD' ELSE 'PROPOSED' END, to_jsonb(v_ids), p_require_adjacency,
                v_checks, v_expires_at, v_first_held_at, now())
        RETURNING s.* INTO v_session;
    ELSE
        UPDATE seating.manual_assignment_sessions AS s
           SET status = CASE WHEN v_passes THEN 'HELD' ELSE 'PROPOSED' END,
               proposed_tables = to_jsonb(v_ids),
               require_adjacency = p_require_adjacency,
               checks = v_checks,
               hold_expires_at = v_expires_at,
               first_held_at = coalesce(v_first_held_at, s.first_held_at),
               last_validated_at = now(),
               updated_at = now()
         WHERE s.restaurant_id = v_session.restaurant_id AND s.id = v_session.id
        RETURNING s.* INTO v_session;
    END IF;

    IF v_passes THEN
        BEGIN
            PERFORM seating._purge_expired_holds(v_booking.restaurant_id, v_ids);

            INSERT INTO seating.table_holds (restaurant_id, session_id, booking_id, expires_at)
            VALUES (v_booking.restaurant_id, v_session.id, v_booking.id, v_expires_at)
            ON CONFLICT (restaurant_id, session_id) DO UPDATE SET expires_at = excluded.expires_at
            RETURNING id INTO v_hold_id;

            -- Swap in place: kept tables keep their rows, dropped ones are released, new ones taken.
            DELETE FROM seating.allocations AS a
             WHERE a.restaurant_id = v_booking.restaurant_id AND a.hold_id = v_hold_id
               AND (NOT a.table_id = ANY (v_ids) OR a.during <> v_window);
            -- A table the booking's own assignment already covers needs no hold row (the
            -- assignment keeps it; a second row would collide with it in the EXCLUDE constraint).
            INSERT INTO seating.allocations (restaurant_id, table_id, booking_id, kind, during, hold_id)
            SELECT v_booking.restaurant_id, u.id, v_booking.id, 'hold', v_window, v_hold_id
              FROM unnest(v_ids) AS u (id)
             WHERE NOT EXISTS (SELECT FROM seating.allocations AS a
                                WHERE a.table_id = u.id AND upper(a.during) > lower(v_window)
                                  AND (a.restaurant_id = v_booking.restaurant_id) IS TRUE  -- see seating._blockers
                                  AND (a.during && v_window) IS TRUE
                                  AND (a.hold_id = v_hold_id OR (a.kind = 'assignment' AND a.booking_id = v_booking.id)));
        EXCEPTION WHEN exclusion_violation THEN
            -- Someone wrote the ledger without taking the table locks (e.g. a DBA moving a
            -- maintenance block). The EXCLUDE constraint had the last word; report what won. The
            -- session is PROPOSED again, and a hold it had before is released below.
            v_passes := false;
            v_checks := seating._evaluate(v_booking, v_restaurant, v_ids, p_require_adjacency, v_session.id);
            UPDATE seating.manual_assignment_sessions AS s
               SET status = 'PROPOSED', checks = v_checks, hold_expires_at = NULL, first_held_at = v_held_since
             WHERE s.restaurant_id = v_session.restaurant_id AND s.id = v_session.id
            RETURNING s.* INTO v_session;
        END;
    END IF;

    IF NOT v_passes AND v_from_status = 'HELD' THEN  -- only a HELD session has a hold
        DELETE FROM seating.table_holds AS h
         WHERE h.restaurant_id = v_booking.restaurant_id AND h.session_id = v_session.id;
    END IF;

    -- The re-evaluation may find no failing check to name: the EXCLUDE constraint refused a ledger
    -- row that its owner deleted before the re-evaluation read the ledger.
    v_reason := CASE
        WHEN v_passes THEN 'selection held'
        ELSE 'selection failed: ' || coalesce((SELECT string_agg(e ->> 'id', ', ')
                                                 FROM jsonb_array_elements(v_checks) AS e
                                                WHERE e ->> 'severity' = 'error'),
                                               'the tables were taken by a concurrent change') END;
    IF v_from_status IS DISTINCT FROM v_session.status THEN
        PERFORM seating._record_transition(v_session.restaurant_id, v_session.id, v_from_status, v_session.status,
            p_staff_id, v_reason);
    ELSIF v_passes AND NOT (v_held_tables @> v_ids AND v_ids @> v_held_tables) THEN
        PERFORM seating._record_transition(v_session.restaurant_id, v_session.id, 'HELD', 'HELD',
            p_staff_id, 'selection changed');
    END IF;

    RETURN seating._session_state(v_session, v_created);
END;
$$;

COMMENT ON FUNCTION api.create_session_hold(uuid, uuid, uuid[], boolean) IS
'Validates and holds tables for a booking in one step (the manual assignment flow).
Finds or starts the caller''s active session for the booking; HELD when every check passes, else PROPOSED with the failing checks.
Same tables again: same session and hold, expiry refreshed (capped at max_hold_seconds after the first hold). Other tables: the hold is swapped in place.
p_require_adjacency false turns the adjacency check off for this selection. Returns the session (created = true when this call started it).
Errors: INVALID_INPUT, BOOKING_NOT_FOUND, FORBIDDEN, UNKNOWN_TABLES.';
REVOKE ALL ON FUNCTION api.create_session_hold(uuid, uuid, uuid[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.create_session_hold(uuid, uuid, uuid[], boolean) TO seating_app;
