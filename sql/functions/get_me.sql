-- api.get_me: the caller as the staff page needs them (GET /api/staff/me): who they are, where
-- they work, and their feature flags.
CREATE OR REPLACE FUNCTION api.get_me(p_staff_id uuid)
RETURNS TABLE (id uuid, display_name text, memberships jsonb, flags jsonb)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_staff seating.staff;
    v_only_restaurant uuid;
BEGIN
    SELECT st.* INTO v_staff FROM seating.staff AS st WHERE st.id = p_staff_id;
    IF NOT FOUND THEN
        PERFORM seating._raise_error('STAFF_NOT_FOUND', 'The staff member does not exist.',
            jsonb_build_object('staffId', p_staff_id));
    END IF;

    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'restaurantId', r.id, 'restaurantName', r.name, 'timezone', r.timezone, 'role', m.role,
               'flags', (SELECT jsonb_object_agg(e.flag, e.enabled) FROM seating._feature_flags(v_staff.id, r.id) AS e))
             ORDER BY r.name, r.id), '[]'),
           CASE WHEN count(*) = 1 THEN min(r.id::text)::uuid END
      INTO memberships, v_only_restaurant
      FROM seating.restaurant_memberships AS m
      JOIN seating.restaurants AS r ON r.id = m.restaurant_id
     WHERE m.staff_id = v_staff.id;

    id := v_staff.id;
    display_name := v_staff.display_name;
    -- With one restaurant its overrides apply; with several, each membership carries its own.
    SELECT coalesce(jsonb_object_agg(e.flag, e.enabled), '{}') INTO flags
      FROM seating._feature_flags(v_staff.id, v_only_restaurant) AS e;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.get_me(uuid) IS
'The caller: id, display_name, memberships (restaurantId, restaurantName, timezone, role, flags per restaurant) and flags ({"use-new-manual-assignment-flow": true, ...}: the restaurant''s overrides apply when the caller belongs to exactly one restaurant).
Errors: STAFF_NOT_FOUND.';
REVOKE ALL ON FUNCTION api.get_me(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.get_me(uuid) TO seating_app;
