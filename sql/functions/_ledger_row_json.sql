-- seating._ledger_row_json: one ledger row as an error or report names it: its kind, the booking
-- and guest or the maintenance note, and a window (the row's own unless one is given).
CREATE OR REPLACE FUNCTION seating._ledger_row_json(p_allocation_id bigint, p_restaurant_id uuid, p_window tstzrange DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
DECLARE
    v_row jsonb;
BEGIN
    SELECT jsonb_strip_nulls(jsonb_build_object(
               'kind', a.kind,
               'bookingId', a.booking_id,
               'guestName', b.guest_name,
               'note', a.note,
               'window', jsonb_build_object('start', lower(coalesce(p_window, a.during)),
                                            'end', upper(coalesce(p_window, a.during)))))
      INTO v_row
      FROM seating.allocations AS a
      LEFT JOIN seating.bookings AS b ON b.restaurant_id = a.restaurant_id AND b.id = a.booking_id
     WHERE a.restaurant_id = p_restaurant_id AND a.id = p_allocation_id;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION seating._ledger_row_json(bigint, uuid, tstzrange) IS
    'A ledger row as JSON for errors and reports: kind, bookingId, guestName, note, window.';
REVOKE ALL ON FUNCTION seating._ledger_row_json(bigint, uuid, tstzrange) FROM PUBLIC;
