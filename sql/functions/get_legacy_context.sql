-- api.get_legacy_context: the legacy flow's floor plan (GET /api/staff/manual/context): the
-- assignment context plus its contextVersion, read in one snapshot.
CREATE OR REPLACE FUNCTION api.get_legacy_context(p_staff_id uuid, p_booking_id uuid)
RETURNS TABLE (restaurant jsonb, booking jsonb, current_assignment jsonb, assignment_issues jsonb, session jsonb,
               zones jsonb, tables jsonb, context_version text)
LANGUAGE sql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
    SELECT c.restaurant, c.booking, c.current_assignment, c.assignment_issues, c.session, c.zones, c.tables,
           seating._context_version(b, r, p_staff_id)
      FROM api.get_assignment_context(p_staff_id, p_booking_id) AS c
      JOIN seating.bookings AS b ON b.id = p_booking_id
      JOIN seating.restaurants AS r ON r.id = b.restaurant_id;
$$;

COMMENT ON FUNCTION api.get_legacy_context(uuid, uuid) IS
'The legacy floor plan: what api.get_assignment_context returns, plus context_version for the legacy validate and hold calls.
The version changes when this booking, the restaurant''s rules or tables, or the occupancy of its tables over the booking''s window changes; never for the caller''s own hold or for anything outside the window.
Errors: INVALID_INPUT, BOOKING_NOT_FOUND, FORBIDDEN.';
REVOKE ALL ON FUNCTION api.get_legacy_context(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.get_legacy_context(uuid, uuid) TO seating_app;
