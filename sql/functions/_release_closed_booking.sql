-- seating._release_closed_booking: when a booking is completed, cancelled or marked no-show, its
-- tables are free again: its active sessions are cancelled, its ledger rows deleted, and its
-- confirmed record (booking_table_assignments) released: kept as history, never its current
-- assignment again (a reopened booking comes back with no tables).
CREATE OR REPLACE FUNCTION seating._release_closed_booking()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_session seating.manual_assignment_sessions;
BEGIN
    -- The booking row is locked by this UPDATE; then sessions, then tables: the fixed order.
    PERFORM 1
       FROM (SELECT s.id FROM seating.manual_assignment_sessions AS s
              WHERE s.restaurant_id = NEW.restaurant_id AND s.booking_id = NEW.id AND s.status IN ('PROPOSED', 'HELD')
              ORDER BY s.id
                FOR UPDATE) AS locked;
    PERFORM seating._lock_tables(NEW.restaurant_id, ARRAY(
        SELECT a.table_id FROM seating.allocations AS a
         WHERE a.restaurant_id = NEW.restaurant_id AND a.booking_id = NEW.id));

    FOR v_session IN
        SELECT s.* FROM seating.manual_assignment_sessions AS s
         WHERE s.restaurant_id = NEW.restaurant_id AND s.booking_id = NEW.id AND s.status IN ('PROPOSED', 'HELD')
         ORDER BY s.id
    LOOP
        PERFORM seating._close_session(v_session, 'CANCELLED', NULL, format('booking %s', NEW.status));
    END LOOP;
    DELETE FROM seating.allocations AS a WHERE a.restaurant_id = NEW.restaurant_id AND a.booking_id = NEW.id;
    PERFORM seating._release_assignment(NEW.restaurant_id, NEW.id, NULL, NULL, format('booking %s', NEW.status));
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION seating._release_closed_booking() IS
    'Trigger: frees a booking''s tables (ledger rows, active sessions, current assignment, kept as history) when its status becomes completed, cancelled or no_show.';
REVOKE ALL ON FUNCTION seating._release_closed_booking() FROM PUBLIC;

CREATE OR REPLACE TRIGGER bookings_release_tables_when_closed
    AFTER UPDATE OF status ON seating.bookings
    FOR EACH ROW
    -- only when a booking closes: confirming or seating one does not even queue the trigger
    WHEN (seating._booking_is_closed(NEW.status) AND NOT seating._booking_is_closed(OLD.status))
    EXECUTE FUNCTION seating._release_closed_booking();
