-- seating._send_change: one NOTIFY on channel seating_changes, what the staff page's live
-- updates carry (DESIGN §11). Payload (JSON, well under NOTIFY's 8000 bytes):
--   {"restaurantId", "kind": "ledger" | "booking" | "table", "op": "insert" | "update" | "delete",
--    "bookingIds": [...], "tableIds": [...], "ledgerKinds": [...] (ledger only)}
-- A change naming too many ids for one message says "truncated": true instead; a listener
-- refetches what it shows either way.
CREATE OR REPLACE FUNCTION seating._send_change(
    p_restaurant_id uuid, p_kind text, p_op text, p_booking_ids uuid[], p_table_ids uuid[], p_ledger_kinds text[])
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_payload jsonb;
BEGIN
    v_payload := jsonb_build_object('restaurantId', p_restaurant_id, 'kind', p_kind, 'op', lower(p_op),
                                    'bookingIds', coalesce(to_jsonb(p_booking_ids), '[]'),
                                    'tableIds', coalesce(to_jsonb(p_table_ids), '[]'));
    IF p_kind = 'ledger' THEN
        v_payload := v_payload || jsonb_build_object('ledgerKinds', to_jsonb(p_ledger_kinds));
    END IF;
    IF octet_length(v_payload::text) > 7000 THEN
        v_payload := (v_payload - 'bookingIds' - 'tableIds') || jsonb_build_object('truncated', true);
    END IF;
    PERFORM pg_notify('seating_changes', v_payload::text);
END;
$$;

COMMENT ON FUNCTION seating._send_change(uuid, text, text, uuid[], uuid[], text[]) IS
    'Sends one change of a restaurant on channel seating_changes (the staff page''s live updates): kind, operation, bookings, tables.';
REVOKE ALL ON FUNCTION seating._send_change(uuid, text, text, uuid[], uuid[], text[]) FROM PUBLIC;
