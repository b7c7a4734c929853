-- seating._notify_row_change (statement trigger): after a statement writes bookings or tables,
-- one NOTIFY per restaurant it touched (seating._send_change), whoever wrote: the api functions
-- or a DBA in psql. TG_ARGV[0] is the kind, `booking` or `table`: the rows' ids are bookings'
-- or tables'. It reads only the columns it names, from the transition tables.
CREATE OR REPLACE FUNCTION seating._notify_row_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_change record;
BEGIN
    -- A transition table exists only for the operations that have it.
    IF TG_OP = 'DELETE' THEN
        FOR v_change IN SELECT c.restaurant_id, array_agg(DISTINCT c.id) AS ids FROM old_rows AS c GROUP BY c.restaurant_id
        LOOP
            PERFORM seating._send_change(v_change.restaurant_id, TG_ARGV[0], TG_OP,
                CASE WHEN TG_ARGV[0] = 'booking' THEN v_change.ids END,
                CASE WHEN TG_ARGV[0] = 'table' THEN v_change.ids END, NULL);
        END LOOP;
    ELSE  -- INSERT or UPDATE: the rows as they are now (their ids and restaurant do not change)
        FOR v_change IN SELECT c.restaurant_id, array_agg(DISTINCT c.id) AS ids FROM new_rows AS c GROUP BY c.restaurant_id
        LOOP
            PERFORM seating._send_change(v_change.restaurant_id, TG_ARGV[0], TG_OP,
                CASE WHEN TG_ARGV[0] = 'booking' THEN v_change.ids END,
                CASE WHEN TG_ARGV[0] = 'table' THEN v_change.ids END, NULL);
        END LOOP;
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION seating._notify_row_change() IS
    'Statement trigger on seating.bookings and seating.table_inventory: one NOTIFY seating_changes per restaurant the statement touched (kind TG_ARGV[0]).';
REVOKE ALL ON FUNCTION seating._notify_row_change() FROM PUBLIC;

-- PostgreSQL allows transition tables only on single-event triggers: one trigger per operation.
-- (The update triggers name both tables so that plpgsql_check can check every branch against them.)
CREATE OR REPLACE TRIGGER bookings_notify_insert AFTER INSERT ON seating.bookings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_row_change('booking');
CREATE OR REPLACE TRIGGER bookings_notify_update AFTER UPDATE ON seating.bookings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_row_change('booking');
CREATE OR REPLACE TRIGGER bookings_notify_delete AFTER DELETE ON seating.bookings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_row_change('booking');

CREATE OR REPLACE TRIGGER table_inventory_notify_insert AFTER INSERT ON seating.table_inventory
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_row_change('table');
CREATE OR REPLACE TRIGGER table_inventory_notify_update AFTER UPDATE ON seating.table_inventory
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_row_change('table');
CREATE OR REPLACE TRIGGER table_inventory_notify_delete AFTER DELETE ON seating.table_inventory
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_row_change('table');
