-- api.get_staff_me: who the caller is and where they work (GET /api/staff/me): what the staff
-- page needs to greet them and offer a restaurant picker.
CREATE OR REPLACE FUNCTION api.get_staff_me(p_staff_id uuid)
RETURNS TABLE (id uuid, display_name text, memberships jsonb)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
BEGIN
    IF p_staff_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id is required.', jsonb_build_object('field', 'staffId'));
    END IF;
    SELECT st.id, st.display_name INTO id, display_name FROM seating.staff AS st WHERE st.id = p_staff_id;
    IF id IS NULL THEN
        PERFORM seating._raise_error('STAFF_NOT_FOUND', 'No such staff member.', jsonb_build_object('staffId', p_staff_id));
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_object('restaurantId', r.id, 'restaurantName', r.name,
                                                 'timezone', r.timezone, 'role', m.role)
                              ORDER BY r.name, r.id), '[]')
      INTO memberships
      FROM seating.restaurant_memberships AS m
      JOIN seating.restaurants AS r ON r.id = m.restaurant_id
     WHERE m.staff_id = p_staff_id;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.get_staff_me(uuid) IS
'The caller: id, display_name and memberships (JSON array of {restaurantId, restaurantName, timezone, role}, by restaurant name).
Errors: INVALID_INPUT, STAFF_NOT_FOUND.';
REVOKE ALL ON FUNCTION api.get_staff_me(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.get_staff_me(uuid) TO seating_app;
