-- seating._notify_change: tell the app's event streams (DESIGN §11) what a statement changed.
-- Statement-level with transition tables: one NOTIFY per statement and restaurant, whatever the
-- number of rows, so the hold and confirm path pays for a few small messages, not one per row.
-- Fires for every writer: the api functions, the sweeper and a DBA's plain SQL in psql.
--
-- Channel seating_changes; payload (JSON, well under NOTIFY's 8000 bytes):
--   {"restaurantId", "kind": "ledger" | "session" | "booking" | "table", "op": "insert" | "update" | "delete",
--    "bookingIds": [...], "tableIds": [...], "ledgerKinds": ["hold", "assignment", "maintenance"] (ledger only)}
-- A statement naming too many ids for one message sends them as "truncated": true instead; a
-- listener refetches what it shows either way.
CREATE OR REPLACE FUNCTION seating._notify_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_rows jsonb;
    v_payload jsonb;
BEGIN
    -- A transition table exists only for the operations that have it.
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(to_jsonb(n)) INTO v_rows FROM new_rows AS n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(to_jsonb(o)) INTO v_rows FROM old_rows AS o;
    ELSE
        SELECT jsonb_agg(u.r) INTO v_rows
          FROM (SELECT to_jsonb(n) AS r FROM new_rows AS n UNION ALL SELECT to_jsonb(o) FROM old_rows AS o) AS u;
    END IF;
    IF v_rows IS NULL THEN
        RETURN NULL;  -- the statement changed no row
    END IF;

    FOR v_payload IN
        WITH changed AS (
            SELECT r ->> 'restaurant_id' AS restaurant_id,
                   CASE TG_TABLE_NAME WHEN 'bookings' THEN r ->> 'id' ELSE r ->> 'booking_id' END AS booking_id,
                   CASE TG_TABLE_NAME
                        WHEN 'allocations' THEN jsonb_build_array(r -> 'table_id')
                        WHEN 'table_inventory' THEN jsonb_build_array(r -> 'id')
                        WHEN 'manual_assignment_sessions' THEN r -> 'proposed_tables'
                        ELSE '[]' END AS table_ids,
                   r ->> 'kind' AS ledger_kind
              FROM jsonb_array_elements(v_rows) AS e (r)
        )
        SELECT jsonb_build_object(
                   'restaurantId', c.restaurant_id,
                   'kind', TG_ARGV[0],
                   'op', lower(TG_OP),
                   'bookingIds', coalesce(jsonb_agg(DISTINCT c.booking_id) FILTER (WHERE c.booking_id IS NOT NULL), '[]'),
                   'tableIds', coalesce((SELECT jsonb_agg(DISTINCT t.id) FROM changed AS c2, jsonb_array_elements_text(c2.table_ids) AS t (id)
                                          WHERE c2.restaurant_id = c.restaurant_id), '[]'))
               || CASE WHEN TG_ARGV[0] = 'ledger'
                       THEN jsonb_build_object('ledgerKinds', jsonb_agg(DISTINCT c.ledger_kind)) ELSE '{}' END
          FROM changed AS c
         GROUP BY c.restaurant_id
    LOOP
        IF octet_length(v_payload::text) > 7000 THEN
            v_payload := (v_payload - 'bookingIds' - 'tableIds') || jsonb_build_object('truncated', true);
        END IF;
        PERFORM pg_notify('seating_changes', v_payload::text);
    END LOOP;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION seating._notify_change() IS
    'Statement trigger: one NOTIFY on channel seating_changes per statement and restaurant, naming the kind of change (TG_ARGV[0]), the operation, the bookings and the tables; what the staff page''s live updates carry.';
REVOKE ALL ON FUNCTION seating._notify_change() FROM PUBLIC;

-- PostgreSQL allows transition tables only on single-event triggers: one trigger per operation.
CREATE OR REPLACE TRIGGER allocations_notify_insert AFTER INSERT ON seating.allocations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('ledger');
CREATE OR REPLACE TRIGGER allocations_notify_update AFTER UPDATE ON seating.allocations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('ledger');
CREATE OR REPLACE TRIGGER allocations_notify_delete AFTER DELETE ON seating.allocations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('ledger');

CREATE OR REPLACE TRIGGER manual_assignment_sessions_notify_insert AFTER INSERT ON seating.manual_assignment_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('session');
CREATE OR REPLACE TRIGGER manual_assignment_sessions_notify_update AFTER UPDATE ON seating.manual_assignment_sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('session');
CREATE OR REPLACE TRIGGER manual_assignment_sessions_notify_delete AFTER DELETE ON seating.manual_assignment_sessions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('session');

CREATE OR REPLACE TRIGGER bookings_notify_insert AFTER INSERT ON seating.bookings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('booking');
CREATE OR REPLACE TRIGGER bookings_notify_update AFTER UPDATE ON seating.bookings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('booking');
CREATE OR REPLACE TRIGGER bookings_notify_delete AFTER DELETE ON seating.bookings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('booking');

CREATE OR REPLACE TRIGGER table_inventory_notify_insert AFTER INSERT ON seating.table_inventory
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('table');
CREATE OR REPLACE TRIGGER table_inventory_notify_update AFTER UPDATE ON seating.table_inventory
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('table');
CREATE OR REPLACE TRIGGER table_inventory_notify_delete AFTER DELETE ON seating.table_inventory
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION seating._notify_change('table');
