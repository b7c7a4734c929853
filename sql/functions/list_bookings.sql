-- api.list_bookings: one restaurant's bookings of one local day, with their current tables (the
-- staff page's day view, GET /api/staff/restaurants/{id}/bookings?date=).
CREATE OR REPLACE FUNCTION api.list_bookings(p_staff_id uuid, p_restaurant_id uuid, p_date date)
RETURNS TABLE (id uuid, guest_name text, party_size integer, start_at timestamptz, end_at timestamptz,
               status text, table_ids uuid[], table_numbers text[], needs_tables boolean, assignment_issues jsonb)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_restaurant seating.restaurants;
BEGIN
    IF p_staff_id IS NULL OR p_restaurant_id IS NULL OR p_date IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id, a restaurant id and a date are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'restaurantId', 'date')));
    END IF;
    -- A date whose midnight is not a finite timestamp cannot be a restaurant's day.
    IF NOT isfinite(p_date) OR p_date > date '9999-12-31' THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'The date must be a calendar day (YYYY-MM-DD).',
            jsonb_build_object('field', 'date'));
    END IF;
    -- Not a member and no such restaurant read the same: an error never confirms another
    -- restaurant's id.
    PERFORM seating._require_permission(p_staff_id, p_restaurant_id, 'read');
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = p_restaurant_id;

    RETURN QUERY
    SELECT b.id, b.guest_name, b.party_size, b.start_at, b.end_at, b.status,
           coalesce(current_tables.ids, '{}'),
           coalesce(current_tables.numbers, '{}'),
           NOT seating._booking_is_closed(b.status) AND current_tables.ids IS NULL,
           CASE WHEN current_tables.ids IS NULL THEN '[]'::jsonb ELSE seating._assignment_issues(b, v_restaurant) END
      FROM seating.bookings AS b
      LEFT JOIN LATERAL (
            -- Natural table-number order: "2" before "10".
            SELECT array_agg(t.id ORDER BY seating._table_number_key(t.table_number) NULLS LAST, t.table_number) AS ids,
                   array_agg(t.table_number ORDER BY seating._table_number_key(t.table_number) NULLS LAST, t.table_number) AS numbers
              FROM seating.booking_table_assignments AS a
              JOIN seating.table_inventory AS t ON t.restaurant_id = a.restaurant_id AND t.id = a.table_id
             WHERE a.restaurant_id = b.restaurant_id AND a.booking_id = b.id AND a.released_at IS NULL
            HAVING count(*) > 0
           ) AS current_tables ON true
     WHERE b.restaurant_id = p_restaurant_id
       AND b.start_at >= (p_date::timestamp AT TIME ZONE v_restaurant.timezone)
       AND b.start_at < ((p_date + 1)::timestamp AT TIME ZONE v_restaurant.timezone)
     ORDER BY b.start_at, b.guest_name, b.id;
END;
$$;

COMMENT ON FUNCTION api.list_bookings(uuid, uuid, date) IS
'The bookings that start on p_date in the restaurant''s time zone, by start time: one row each with its current tables (table_ids, table_numbers in natural order), needs_tables (open and without tables) and assignment_issues (the failing checks of its current tables, [] when none). Any member may read it.
Errors: INVALID_INPUT, FORBIDDEN (not a member, or no such restaurant).';
REVOKE ALL ON FUNCTION api.list_bookings(uuid, uuid, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.list_bookings(uuid, uuid, date) TO seating_app;
