-- seating._require_context_version: STALE_CONTEXT unless the caller's contextVersion is current.
-- Returns the current version.
CREATE OR REPLACE FUNCTION seating._require_context_version(
    p_booking seating.bookings, p_staff_id uuid, p_context_version text)
RETURNS text
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
DECLARE
    v_restaurant seating.restaurants;
    v_current text;
BEGIN
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = p_booking.restaurant_id;
    v_current := seating._context_version(p_booking, v_restaurant, p_staff_id);
    IF p_context_version IS DISTINCT FROM v_current THEN
        PERFORM seating._raise_error('STALE_CONTEXT',
            'The floor plan changed for this booking since you read it.',
            jsonb_build_object('bookingId', p_booking.id, 'contextVersion', v_current,
                               'yourContextVersion', p_context_version));
    END IF;
    RETURN v_current;
END;
$$;

COMMENT ON FUNCTION seating._require_context_version(seating.bookings, uuid, text) IS
    'Raises STALE_CONTEXT (details.contextVersion: the current one) unless p_context_version is the booking''s current contextVersion for this staff member; returns it.';
REVOKE ALL ON FUNCTION seating._require_context_version(seating.bookings, uuid, text) FROM PUBLIC;
