-- seating._require_role: the caller's role in a restaurant, or FORBIDDEN when it is not one of
-- the roles the action needs.
CREATE OR REPLACE FUNCTION seating._require_role(p_staff_id uuid, p_restaurant_id uuid, p_roles text[], p_action text)
RETURNS text
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
DECLARE
    v_role text;
BEGIN
    SELECT m.role INTO v_role
      FROM seating.restaurant_memberships AS m
     WHERE m.restaurant_id = p_restaurant_id AND m.staff_id = p_staff_id;

    IF v_role IS NULL OR NOT v_role = ANY (p_roles) THEN
        PERFORM seating._raise_error('FORBIDDEN',
            CASE WHEN v_role IS NULL
                 THEN format('Staff member %s is not a member of this restaurant.', p_staff_id)
                 ELSE format('A %s may not %s.', v_role, p_action) END,
            jsonb_build_object('staffId', p_staff_id, 'restaurantId', p_restaurant_id,
                               'role', v_role, 'allowedRoles', to_jsonb(p_roles)));
    END IF;
    RETURN v_role;
END;
$$;

COMMENT ON FUNCTION seating._require_role(uuid, uuid, text[], text) IS
    'Returns the staff member''s role in the restaurant; raises FORBIDDEN when not a member or the role is not among p_roles.';
REVOKE ALL ON FUNCTION seating._require_role(uuid, uuid, text[], text) FROM PUBLIC;
