-- seating._booking_is_closed: the one list of booking statuses that hold no tables.
-- A plain SQL expression (inlined, usable in trigger conditions); see seating._hold_is_live
-- for why it names its operator fully instead of pinning search_path.
CREATE OR REPLACE FUNCTION seating._booking_is_closed(p_status text)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT p_status OPERATOR(pg_catalog.=) ANY ('{completed,cancelled,no_show}'::pg_catalog.text[])
$$;

COMMENT ON FUNCTION seating._booking_is_closed(text) IS
    'True for completed, cancelled and no_show: a closed booking may not be given tables and keeps none.';
REVOKE ALL ON FUNCTION seating._booking_is_closed(text) FROM PUBLIC;
