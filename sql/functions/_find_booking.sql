-- seating._find_booking: a booking by id, optionally locked (FOR NO KEY UPDATE, the first lock
-- of every writer), or BOOKING_NOT_FOUND.
CREATE OR REPLACE FUNCTION seating._find_booking(p_booking_id uuid, p_lock boolean DEFAULT false)
RETURNS seating.bookings
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_booking seating.bookings;
BEGIN
    IF p_lock THEN
        SELECT b.* INTO v_booking FROM seating.bookings AS b WHERE b.id = p_booking_id FOR NO KEY UPDATE;
    ELSE
        SELECT b.* INTO v_booking FROM seating.bookings AS b WHERE b.id = p_booking_id;
    END IF;
    IF NOT FOUND THEN
        PERFORM seating._raise_error('BOOKING_NOT_FOUND', format('Booking %s does not exist.', p_booking_id),
            jsonb_build_object('bookingId', p_booking_id));
    END IF;
    RETURN v_booking;
END;
$$;

COMMENT ON FUNCTION seating._find_booking(uuid, boolean) IS
    'Returns the booking (locked FOR NO KEY UPDATE when p_lock); BOOKING_NOT_FOUND when there is none.';
REVOKE ALL ON FUNCTION seating._find_booking(uuid, boolean) FROM PUBLIC;
