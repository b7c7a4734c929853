-- seating._follow_turnover_buffer (trigger): when a restaurant's turnover_buffer_minutes changes,
-- every hold and assignment row whose window ends after now takes the new buffer, in the same
-- transaction (DESIGN §9). If that would make two rows collide on a table, the settings change
-- is refused with BUFFER_CONFLICT naming them: nothing is half-applied.
CREATE OR REPLACE FUNCTION seating._follow_turnover_buffer()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_conflicts jsonb;
BEGIN
    -- The whole floor is affected: its tables, in the fixed order. Every ledger writer reads the
    -- restaurant's settings after taking its table locks, so none writes with the old buffer.
    PERFORM seating._lock_tables(NEW.id, ARRAY(SELECT t.id FROM seating.table_inventory AS t WHERE t.restaurant_id = NEW.id));
    -- Expired holds block nobody and move nowhere.
    DELETE FROM seating.allocations AS a
     WHERE a.restaurant_id = NEW.id AND a.kind = 'hold'
       AND NOT seating._hold_row_is_live(a.restaurant_id, a.hold_id);

    SELECT jsonb_agg(jsonb_build_object(
               'tableId', t.id, 'tableNumber', t.table_number,
               'rows', jsonb_build_array(seating._ledger_row_json(m.id, NEW.id, m.during),
                                         seating._ledger_row_json(n.id, NEW.id, n.during)))
             ORDER BY t.table_number, lower(m.during))
      INTO v_conflicts
      FROM seating._ledger_windows(NEW.id, NEW.turnover_buffer_minutes) AS m
      JOIN seating._ledger_windows(NEW.id, NEW.turnover_buffer_minutes) AS n
        ON n.table_id = m.table_id AND n.id > m.id AND n.during && m.during
      JOIN seating.table_inventory AS t ON t.restaurant_id = NEW.id AND t.id = m.table_id;
    IF v_conflicts IS NOT NULL THEN
        PERFORM seating._raise_error('BUFFER_CONFLICT',
            format('A turnover buffer of %s minutes would put %s pair(s) of bookings on one table at once; move or reassign them first.',
                   NEW.turnover_buffer_minutes, jsonb_array_length(v_conflicts)),
            jsonb_build_object('turnoverBufferMinutes', NEW.turnover_buffer_minutes, 'conflicts', v_conflicts));
    END IF;

    -- Only upper bounds move, all the same way, so no row collides on the way to a state that does not.
    UPDATE seating.allocations AS a SET during = m.during
      FROM seating._ledger_windows(NEW.id, NEW.turnover_buffer_minutes) AS m
     WHERE a.restaurant_id = NEW.id AND a.id = m.id AND a.during <> m.during;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION seating._follow_turnover_buffer() IS
    'Trigger: re-windows a restaurant''s current holds and assignments for its new turnover buffer, or raises BUFFER_CONFLICT naming the rows that would collide.';
REVOKE ALL ON FUNCTION seating._follow_turnover_buffer() FROM PUBLIC;

CREATE OR REPLACE TRIGGER restaurants_ledger_follows_turnover_buffer
    AFTER UPDATE OF turnover_buffer_minutes ON seating.restaurants
    FOR EACH ROW
    WHEN (OLD.turnover_buffer_minutes IS DISTINCT FROM NEW.turnover_buffer_minutes)
    EXECUTE FUNCTION seating._follow_turnover_buffer();
