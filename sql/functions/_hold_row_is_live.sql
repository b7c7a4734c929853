-- seating._hold_row_is_live: whether the hold a ledger row points at is live (false for a row of
-- no hold or of an expired one): an expired hold's rows block nobody.
CREATE OR REPLACE FUNCTION seating._hold_row_is_live(p_restaurant_id uuid, p_hold_id uuid)
RETURNS boolean
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
BEGIN
    RETURN coalesce(seating._hold_is_live((SELECT h.expires_at FROM seating.table_holds AS h
                                           WHERE h.restaurant_id = p_restaurant_id AND h.id = p_hold_id)), false);
END;
$$;

COMMENT ON FUNCTION seating._hold_row_is_live(uuid, uuid) IS
    'True when the hold a ledger row points at (allocations.hold_id) exists and has not expired.';
REVOKE ALL ON FUNCTION seating._hold_row_is_live(uuid, uuid) FROM PUBLIC;
