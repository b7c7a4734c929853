-- seating._assignment_issues: what is wrong with a booking's current assignment now, by the same
-- constraint engine: the failing checks, e.g. capacity after the party grew, active after a
-- table was taken out of service. booking_status and conflict are left out: a closed booking
-- has no current assignment, a past one is history, and the EXCLUDE constraint keeps a current
-- assignment free of anyone else's rows.
CREATE OR REPLACE FUNCTION seating._assignment_issues(p_booking seating.bookings, p_restaurant seating.restaurants)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
DECLARE
    v_ids uuid[];
    v_require_adjacency boolean;
BEGIN
    SELECT array_agg(a.table_id ORDER BY a.table_id), (array_agg(s.require_adjacency))[1]
      INTO v_ids, v_require_adjacency
      FROM seating.booking_table_assignments AS a
      LEFT JOIN seating.manual_assignment_sessions AS s ON s.restaurant_id = a.restaurant_id AND s.id = a.session_id
     WHERE a.restaurant_id = p_booking.restaurant_id AND a.booking_id = p_booking.id AND a.released_at IS NULL;
    IF v_ids IS NULL THEN
        RETURN '[]'::jsonb;
    END IF;
    RETURN (SELECT coalesce(jsonb_agg(c.value ORDER BY c.ordinality), '[]'::jsonb)
              FROM jsonb_array_elements(seating._evaluate(p_booking, p_restaurant, v_ids, v_require_adjacency, NULL))
                   WITH ORDINALITY AS c (value, ordinality)
             WHERE c.value ->> 'severity' = 'error' AND c.value ->> 'id' NOT IN ('booking_status', 'conflict'));
END;
$$;

COMMENT ON FUNCTION seating._assignment_issues(seating.bookings, seating.restaurants) IS
    'The failing checks of the booking''s current assignment (capacity, slack, active, zone, movable, adjacency), ''[]'' when it passes or there is none.';
REVOKE ALL ON FUNCTION seating._assignment_issues(seating.bookings, seating.restaurants) FROM PUBLIC;
