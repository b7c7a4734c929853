-- api.confirm_session: turn a session's hold into the booking's assignment (DESIGN §5).
-- Requires HELD and not expired, re-runs the constraint engine, then in one transaction replaces
-- the booking's assignment with the session's tables, confirms a pending booking, cancels the
-- booking's other active sessions and marks this one CONFIRMED. Confirming again is a no-op.
CREATE OR REPLACE FUNCTION api.confirm_session(p_staff_id uuid, p_session_id uuid)
RETURNS api.session_state
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
SET enable_seqscan = off -- key lookups only: see seating._blockers on plans cached while holds were few
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
    v_other seating.manual_assignment_sessions;
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_ids uuid[];
    v_touched uuid[];
    v_window tstzrange;
    v_checks jsonb;
BEGIN
    IF p_staff_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id is required.', jsonb_build_object('field', 'staffId'));
    END IF;
    v_session := seating._lock_session(p_session_id);

    IF v_session.created_by <> p_staff_id THEN
        PERFORM seating._raise_error('FORBIDDEN', 'Only the staff member who started a session may confirm it.',
            jsonb_build_object('sessionId', v_session.id, 'staffId', p_staff_id));
    END IF;
    PERFORM seating._require_permission(p_staff_id, v_session.restaurant_id, 'assign_tables');

    IF v_session.status = 'CONFIRMED' THEN
        RETURN seating._session_state(v_session);
    ELSIF v_session.status = 'CANCELLED' THEN
        PERFORM seating._raise_error('SESSION_CLOSED', 'The session was cancelled and cannot be confirmed.',
            jsonb_build_object('sessionId', v_session.id, 'status', v_session.status));
    ELSIF v_session.status = 'EXPIRED' OR NOT seating._hold_is_live(v_session.hold_expires_at) THEN
        PERFORM seating._raise_error('HOLD_EXPIRED', 'The hold expired before it was confirmed.',
            jsonb_build_object('sessionId', v_session.id,
                               'holdExpiredAt', v_session.hold_expires_at));
    ELSIF v_session.status = 'PROPOSED' THEN
        PERFORM seating._raise_error('SESSION_NOT_HELD', 'The session holds no tables: its selection failed a check.',
            jsonb_build_object('sessionId', v_session.id, 'checks', v_session.checks));
    END IF;

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
                format('tables assigned by session %s', v_session.id));
    END IF;

    UPDATE seating.manual_assignment_sessions AS s
       SET status = 'CONFIRMED', hold_expires_at = NULL, confirmed_at = now(),
           checks = v_checks, last_validated_at = now(), updated_at = now()
     WHERE s.restaurant_id = v_session.restaurant_id AND s.id = v_session.id
    RETURNING s.* INTO v_session;
    PERFORM seating._record_transition(v_session.restaurant_id, v_session.id, 'HELD', 'CONFIRMED', p_staff_id, 'confirmed');

    RETURN seating._session_state(v_session);
END;
$$;

COMMENT ON FUNCTION api.confirm_session(uuid, uuid) IS
'Confirms a HELD session: its tables replace the booking''s assignment, a pending booking becomes confirmed, the booking''s other active sessions are cancelled.
Only the session''s creator may confirm. Confirming a CONFIRMED session returns it unchanged.
Errors: INVALID_INPUT, SESSION_NOT_FOUND, FORBIDDEN, SESSION_CLOSED, HOLD_EXPIRED, SESSION_NOT_HELD, VALIDATION_FAILED (details.checks).';
REVOKE ALL ON FUNCTION api.confirm_session(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.confirm_session(uuid, uuid) TO seating_app;
