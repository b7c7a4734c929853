-- seating._ledger_windows: the window each of a restaurant's ledger rows would have with a given
-- turnover buffer: holds and assignments whose window ends after now take the booking's window
-- with that buffer; maintenance blocks and rows already over keep theirs.
CREATE OR REPLACE FUNCTION seating._ledger_windows(p_restaurant_id uuid, p_turnover_buffer_minutes integer)
RETURNS TABLE (id bigint, table_id uuid, during tstzrange)
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
BEGIN
    RETURN QUERY
    SELECT a.id, a.table_id,
           CASE WHEN a.kind = 'maintenance' OR upper(a.during) <= now() THEN a.during
                ELSE seating._booking_window(b.start_at, b.end_at, p_turnover_buffer_minutes) END
      FROM seating.allocations AS a
      LEFT JOIN seating.bookings AS b ON b.restaurant_id = a.restaurant_id AND b.id = a.booking_id
     WHERE a.restaurant_id = p_restaurant_id;
END;
$$;

COMMENT ON FUNCTION seating._ledger_windows(uuid, integer) IS
    'Each ledger row of the restaurant with the window it takes under the given turnover buffer (current holds and assignments re-windowed).';
REVOKE ALL ON FUNCTION seating._ledger_windows(uuid, integer) FROM PUBLIC;
