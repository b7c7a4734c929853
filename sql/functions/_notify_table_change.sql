-- seating._notify_table_change (statement trigger): after a statement writes tables, one
-- NOTIFY per restaurant it touched (seating._send_change), whoever wrote: the api functions, the
-- sweeper or a DBA in psql. It reads only the columns it names, from the transition tables.
CREATE OR REPLACE FUNCTION seating._notify_table_change()
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
        FOR v_change IN
            SELECT c.restaurant_id, NULL::uuid[] AS booking_ids,
                   array_agg(DISTINCT c.id) AS table_ids
              FROM old_rows AS c GROUP BY c.restaurant_id
        LOOP
            PERFORM seating._send_change(v_change.restaurant_id, 'table', TG_OP, v_change.booking_ids,
                                         v_change.table_ids, NULL);
        END LOOP;
    ELSE  -- INSERT or UPDATE: the rows as they are now
        FOR v_change IN
            SELECT c.restaurant_id, NULL::uuid[] AS booking_ids,
                   array_agg(DISTINCT c.id) AS table_ids
              FROM new_rows AS c GROUP BY c.restaurant_id
        LOOP
            PERFORM seating._send_change(v_change.restaurant_id, 'table', TG_OP, v_change.booking_ids,
                                         v_change.table_ids, NULL);
        END LOOP;
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION seating._notify_table_change() IS
    'Statement trigger on seating.table_inventory: one NOTIFY seating_changes per restaurant the statement touched (kind table).';
REVOKE ALL ON FUNCTION seating._notify_table_change() FROM PUBLIC;

-- PostgreSQL allows transition tables only on single-event triggers: one trigger per operation.
-- (The update trigger names both tables so that plpgsql_check can check every branch against it.)
CREATE OR REPLACE TRIGGER table_inventory_notify_insert AFTER INSERT ON seating.table_inventory
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_table_change();
CREATE OR REPLACE TRIGGER table_inventory_notify_update AFTER UPDATE ON seating.table_inventory
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_table_change();
CREATE OR REPLACE TRIGGER table_inventory_notify_delete AFTER DELETE ON seating.table_inventory
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_table_change();
