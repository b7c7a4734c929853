-- seating._guard_table_delete (trigger): a table with a live hold or an assignment whose window
-- ends after now cannot be deleted (TABLE_IN_USE: deactivate it instead, active = false). A
-- table that may go leaves its history behind: its assignment rows are kept, released, with the
-- table's number. Deleting the whole restaurant is not guarded.
CREATE OR REPLACE FUNCTION seating._guard_table_delete()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_uses jsonb;
BEGIN
    IF NOT EXISTS (SELECT FROM seating.restaurants AS r WHERE r.id = OLD.restaurant_id) THEN
        RETURN OLD;  -- the restaurant is being deleted, and everything of it goes with it
    END IF;
    SELECT jsonb_agg(seating._ledger_row_json(a.id, a.restaurant_id) ORDER BY lower(a.during)) INTO v_uses
      FROM seating.allocations AS a
     WHERE a.table_id = OLD.id AND (a.restaurant_id = OLD.restaurant_id) IS TRUE
       AND ((a.kind = 'assignment' AND upper(a.during) > now())
            OR (a.kind = 'hold' AND seating._hold_row_is_live(a.restaurant_id, a.hold_id)));
    IF v_uses IS NOT NULL THEN
        PERFORM seating._raise_error('TABLE_IN_USE',
            format('Table %s has %s current hold(s) or assignment(s) and cannot be deleted; set active = false to take it out of service.',
                   OLD.table_number, jsonb_array_length(v_uses)),
            jsonb_build_object('tableId', OLD.id, 'tableNumber', OLD.table_number, 'uses', v_uses));
    END IF;

    UPDATE seating.booking_table_assignments AS a SET table_number = OLD.table_number
     WHERE a.restaurant_id = OLD.restaurant_id AND a.table_id = OLD.id;
    PERFORM seating._release_assignment(OLD.restaurant_id, NULL, ARRAY[OLD.id], NULL,
        format('table %s deleted', OLD.table_number));
    RETURN OLD;
END;
$$;

COMMENT ON FUNCTION seating._guard_table_delete() IS
    'Trigger: refuses to delete a table with a live hold or a current assignment (TABLE_IN_USE); otherwise keeps its assignment history, released.';
REVOKE ALL ON FUNCTION seating._guard_table_delete() FROM PUBLIC;

CREATE OR REPLACE TRIGGER table_inventory_guard_delete
    BEFORE DELETE ON seating.table_inventory
    FOR EACH ROW
    EXECUTE FUNCTION seating._guard_table_delete();
