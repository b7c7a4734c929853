-- seating._follow_booking_window (trigger): a booking's ledger rows follow its start_at / end_at
-- in the same transaction, whoever changes them (an api function or a DBA's UPDATE) (DESIGN §9).
-- Tables still free for the new window stay the booking's. Tables someone else has then are
-- released: the assignment keeps the rest (history rows say which were lost and why), a confirmed
-- booking that lost a table becomes pending_allocation (recorded), and a HELD session on a lost
-- table returns to PROPOSED with the failing conflict check. The move itself is never refused.
CREATE OR REPLACE FUNCTION seating._follow_booking_window()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
SET enable_seqscan = off -- key lookups only: see seating._blockers
AS $$
DECLARE
    v_restaurant seating.restaurants;
    v_window tstzrange;
    v_session seating.manual_assignment_sessions;
    v_tables uuid[];
    v_taken uuid[];
    v_lost uuid[];
    v_reason text;
    v_checks jsonb;
BEGIN
    IF seating._booking_is_closed(NEW.status) THEN
        RETURN NEW;  -- a closed booking keeps no tables (seating._release_closed_booking)
    END IF;
    -- Lock order: the booking (this UPDATE holds it), its active sessions, then its tables.
    PERFORM 1
       FROM (SELECT s.id FROM seating.manual_assignment_sessions AS s
              WHERE s.restaurant_id = NEW.restaurant_id AND s.booking_id = NEW.id AND s.status IN ('PROPOSED', 'HELD')
              ORDER BY s.id
                FOR UPDATE) AS locked;
    v_tables := ARRAY(SELECT a.table_id FROM seating.allocations AS a
                       WHERE a.restaurant_id = NEW.restaurant_id AND a.booking_id = NEW.id
                      UNION
                      SELECT u.id FROM seating.manual_assignment_sessions AS s,
                                       unnest(seating._table_ids(s.proposed_tables)) AS u (id)
                       WHERE s.restaurant_id = NEW.restaurant_id AND s.booking_id = NEW.id AND s.status = 'HELD');
    PERFORM seating._lock_tables(NEW.restaurant_id, v_tables);
    -- Read under the table locks: a turnover buffer change re-windows the ledger under them too.
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = NEW.restaurant_id;
    v_window := seating._booking_window(NEW.start_at, NEW.end_at, v_restaurant.turnover_buffer_minutes);

    -- Holds past their expiry end here rather than move.
    FOR v_session IN
        SELECT s.* FROM seating.manual_assignment_sessions AS s
         WHERE s.restaurant_id = NEW.restaurant_id AND s.booking_id = NEW.id AND s.status = 'HELD'
           AND NOT seating._hold_is_live(s.hold_expires_at)
         ORDER BY s.id
    LOOP
        PERFORM seating._close_session(v_session, 'EXPIRED', NULL, 'hold expired');
    END LOOP;

    -- The booking's tables that someone else has during the new window (an expired hold is no one's).
    SELECT array_agg(DISTINCT a.table_id ORDER BY a.table_id) INTO v_taken
      FROM seating.allocations AS a
     WHERE a.table_id = ANY (v_tables) AND upper(a.during) > lower(v_window)
       AND (a.restaurant_id = NEW.restaurant_id) IS TRUE  -- see seating._blockers
       AND (a.during && v_window) IS TRUE
       AND a.booking_id IS DISTINCT FROM NEW.id
       AND (a.kind <> 'hold' OR seating._hold_row_is_live(a.restaurant_id, a.hold_id));

    IF v_taken IS NOT NULL THEN
        v_reason := format('booking moved to %s – %s; taken then: table %s', NEW.start_at, NEW.end_at,
            (SELECT string_agg(t.table_number, ', ' ORDER BY t.table_number) FROM seating.table_inventory AS t
              WHERE t.restaurant_id = NEW.restaurant_id AND t.id = ANY (v_taken)));
        FOR v_session IN
            SELECT s.* FROM seating.manual_assignment_sessions AS s
             WHERE s.restaurant_id = NEW.restaurant_id AND s.booking_id = NEW.id AND s.status = 'HELD'
             ORDER BY s.id
        LOOP
            CONTINUE WHEN NOT seating._table_ids(v_session.proposed_tables) && v_taken;
            PERFORM seating._release_hold(v_session.restaurant_id, v_session.id);
            v_checks := seating._evaluate(NEW, v_restaurant, seating._table_ids(v_session.proposed_tables),
                                          v_session.require_adjacency, v_session.id);
            UPDATE seating.manual_assignment_sessions AS s
               SET status = 'PROPOSED', checks = v_checks, hold_expires_at = NULL,
                   last_validated_at = now(), updated_at = now()
             WHERE s.restaurant_id = v_session.restaurant_id AND s.id = v_session.id;
            PERFORM seating._record_transition(v_session.restaurant_id, v_session.id, 'HELD', 'PROPOSED', NULL, v_reason);
        END LOOP;

        DELETE FROM seating.allocations AS a
         WHERE a.restaurant_id = NEW.restaurant_id AND a.booking_id = NEW.id AND a.kind = 'assignment'
           AND a.table_id = ANY (v_taken);
        v_lost := seating._release_assignment(NEW.restaurant_id, NEW.id, v_taken, NULL, v_reason);
        IF cardinality(v_lost) > 0 AND NEW.status = 'confirmed' THEN
            INSERT INTO seating.booking_status_history (booking_id, restaurant_id, from_status, to_status, changed_by, reason)
            VALUES (NEW.id, NEW.restaurant_id, NEW.status, 'pending_allocation', NULL, v_reason);
            NEW.status := 'pending_allocation';
        END IF;
    END IF;

    -- The rest follows the booking to its new window.
    UPDATE seating.allocations AS a SET during = v_window
     WHERE a.restaurant_id = NEW.restaurant_id AND a.booking_id = NEW.id AND a.during <> v_window;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION seating._follow_booking_window() IS
    'Trigger: moves a booking''s ledger rows to its new window; tables taken then are released and recorded, a confirmed booking that lost one becomes pending_allocation, a HELD session on one returns to PROPOSED.';
REVOKE ALL ON FUNCTION seating._follow_booking_window() FROM PUBLIC;

CREATE OR REPLACE TRIGGER bookings_ledger_follows_window
    BEFORE UPDATE OF start_at, end_at ON seating.bookings
    FOR EACH ROW
    WHEN (OLD.start_at IS DISTINCT FROM NEW.start_at OR OLD.end_at IS DISTINCT FROM NEW.end_at)
    EXECUTE FUNCTION seating._follow_booking_window();
