-- seating._confirm_held_session: the confirm step of a HELD, live session whose booking and
-- sessions the caller has locked (seating._lock_session): re-run the constraint engine
-- (VALIDATION_FAILED when a check fails), end the booking's other active sessions, replace the
-- booking's assignment with the session's tables (the old one kept as history), move a pending
-- booking to confirmed, and mark the session CONFIRMED with p_reason in the audit trail.
-- api.confirm_session and automatic assignment both confirm through it.
CREATE OR REPLACE FUNCTION seating._confirm_held_session(
    p_session seating.manual_assignment_sessions, p_staff_id uuid, p_reason text)
RETURNS seating.manual_assignment_sessions
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
SET enable_seqscan = off -- key lookups only: see seating._blockers
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_session seating.manual_assignment_sessions := p_session;
    v_other seating.manual_assignment_sessions;
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_ids uuid[];
    v_touched uuid[];
    v_window tstzrange;
    v_checks jsonb;
BEGIN
    SELECT b.* INTO v_booking FROM seating.bookings AS b
     WHERE b.restaurant_id = v_session.restaurant_id AND b.id = v_session.booking_id;
    v_ids := seating._table_ids(v_session.proposed_tables);

    -- Every table this touches: the new ones, the booking's current ones and those held by the
    -- booking's other sessions (all carry the booking id in the ledger).
    SELECT array_agg(DISTINCT t.id) INTO v_touched
      FROM (SELECT unnest(v_ids) AS id
            UNION ALL
            SELECT a.table_id FROM seating.allocations AS a
             WHERE a.restaurant_id = v_booking.restaurant_id AND a.booking_id = v_booking.id) AS t;
    PERFORM seating._lock_tables(v_booking.restaurant_id, v_touched);
    -- Read under the table locks: a turnover buffer change re-windows the ledger under them too.
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = v_booking.restaurant_id;

    v_checks := seating._evaluate(v_booking, v_restaurant, v_ids, v_session.require_adjacency, v_session.id);
    IF v_checks @> '[{"severity": "error"}]' THEN
        PERFORM seating._raise_error('VALIDATION_FAILED', 'The held tables no longer pass every check.',
            jsonb_build_object('sessionId', v_session.id, 'checks', v_checks));
    END IF;

    FOR v_other IN
        SELECT s.* FROM seating.manual_assignment_sessions AS s
         WHERE s.restaurant_id = v_booking.restaurant_id AND s.booking_id = v_booking.id
           AND s.status IN ('PROPOSED', 'HELD') AND s.id <> v_session.id
         ORDER BY s.id
    LOOP
        IF v_other.status = 'HELD' AND NOT seating._hold_is_live(v_other.hold_expires_at) THEN
            PERFORM seating._close_session(v_other, 'EXPIRED', p_staff_id, 'hold expired');
        ELSE
            PERFORM seating._close_session(v_other, 'CANCELLED', p_staff_id,
                format('superseded: session %s confirmed the booking''s tables', v_session.id));
        END IF;
    END LOOP;

    v_window := seating._booking_window(v_booking.start_at, v_booking.end_at, v_restaurant.turnover_buffer_minutes);
    BEGIN
        PERFORM seating._release_hold(v_booking.restaurant_id, v_session.id);
        DELETE FROM seating.allocations AS a
         WHERE a.restaurant_id = v_booking.restaurant_id AND a.booking_id = v_booking.id AND a.kind = 'assignment';
        INSERT INTO seating.allocations (restaurant_id, table_id, booking_id, kind, during)
        SELECT v_booking.restaurant_id, u.id, v_booking.id, 'assignment', v_window
          FROM unnest(v_ids) AS u (id);
    EXCEPTION WHEN exclusion_violation THEN
        -- Someone wrote the ledger without taking the table locks; the EXCLUDE constraint won.
        PERFORM seating._raise_error('VALIDATION_FAILED', 'The held tables were taken by a concurrent change.',
            jsonb_build_object('sessionId', v_session.id,
                               'checks', seating._evaluate(v_booking, v_restaurant, v_ids, v_session.require_adjacency, v_session.id)));
    END;

    -- The previous assignment becomes history; the new one is current.
    PERFORM seating._release_assignment(v_booking.restaurant_id, v_booking.id, NULL, p_staff_id,
        format('replaced by session %s', v_session.id));
    INSERT INTO seating.booking_table_assignments (restaurant_id, booking_id, table_id, assigned_by, assigned_at, session_id)
    SELECT v_booking.restaurant_id, v_booking.id, u.id, p_staff_id, now(), v_session.id
      FROM unnest(v_ids) AS u (id);

    IF v_booking.status IN ('pending', 'pending_allocation') THEN
        UPDATE seating.bookings AS b SET status = 'confirmed'
         WHERE b.restaurant_id = v_booking.restaurant_id AND b.id = v_booking.id;
        INSERT INTO seating.booking_status_history (booking_id, restaurant_id, from_status, to_status, changed_by, reason)
        VALUES (v_booking.id, v_booking.restaurant_id, v_booking.status, 'confirmed', p_staff_id,
                format('tables assigned by session %s (%s)', v_session.id, p_reason));
    END IF;

    UPDATE seating.manual_assignment_sessions AS s
       SET status = 'CONFIRMED', hold_expires_at = NULL, confirmed_at = now(),
           checks = v_checks, last_validated_at = now(), updated_at = now()
     WHERE s.restaurant_id = v_session.restaurant_id AND s.id = v_session.id
    RETURNING s.* INTO v_session;
    PERFORM seating._record_transition(v_session.restaurant_id, v_session.id, 'HELD', 'CONFIRMED', p_staff_id, p_reason);

    RETURN v_session;
END;
$$;

COMMENT ON FUNCTION seating._confirm_held_session(seating.manual_assignment_sessions, uuid, text) IS
    'Confirms a HELD, live, locked session: checks again (VALIDATION_FAILED), supersedes the booking''s other sessions, replaces its assignment, confirms a pending booking, records p_reason.';
REVOKE ALL ON FUNCTION seating._confirm_held_session(seating.manual_assignment_sessions, uuid, text) FROM PUBLIC;
