-- seating._release_assignment: end tables' part in bookings' current assignments, keeping the
-- rows as history (released_at, release_reason). p_booking_id null: any booking's (a deleted
-- table); p_table_ids null: every current table. The ledger rows are the caller's business.
-- Returns the released tables' ids.
CREATE OR REPLACE FUNCTION seating._release_assignment(
    p_restaurant_id uuid, p_booking_id uuid, p_table_ids uuid[], p_actor uuid, p_reason text)
RETURNS uuid[]
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_released uuid[];
BEGIN
    WITH released AS (
        UPDATE seating.booking_table_assignments AS a
           SET released_at = now(), released_by = p_actor, release_reason = p_reason
         WHERE a.restaurant_id = p_restaurant_id AND a.released_at IS NULL
           AND (p_booking_id IS NULL OR a.booking_id = p_booking_id)
           AND (p_table_ids IS NULL OR a.table_id = ANY (p_table_ids))
        RETURNING a.table_id)
    SELECT array_agg(r.table_id ORDER BY r.table_id) INTO v_released FROM released AS r;
    RETURN coalesce(v_released, ARRAY[]::uuid[]);
END;
$$;

COMMENT ON FUNCTION seating._release_assignment(uuid, uuid, uuid[], uuid, text) IS
    'Marks current booking_table_assignments rows (of one booking or any, on all or p_table_ids) released with a reason; returns the released table ids.';
REVOKE ALL ON FUNCTION seating._release_assignment(uuid, uuid, uuid[], uuid, text) FROM PUBLIC;
