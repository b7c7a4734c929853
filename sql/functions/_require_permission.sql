-- seating._require_permission: who may do what, in one place. Returns the caller's role in the
-- restaurant, or raises FORBIDDEN (without the restaurant's id: an error never names another
-- restaurant's ids).
CREATE OR REPLACE FUNCTION seating._require_permission(p_staff_id uuid, p_restaurant_id uuid, p_action text)
RETURNS text
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
DECLARE
    v_role text;
    v_roles text[];
    v_wording text;
BEGIN
    -- The action-to-roles map (DESIGN §5, §12, §13).
    SELECT p.roles, p.wording INTO v_roles, v_wording
      FROM (VALUES
        ('read',               ARRAY['owner', 'manager', 'host', 'server'], 'read this restaurant''s floor plan and sessions'),
        ('assign_tables',      ARRAY['owner', 'manager', 'host'],           'assign tables'),
        ('auto_assign',        ARRAY['owner', 'manager', 'host'],           'assign tables automatically'),
        ('cancel_any_session', ARRAY['owner', 'manager'],                   'cancel another staff member''s session'),
        ('manage_settings',    ARRAY['owner', 'manager'],                   'change the restaurant''s settings')
      ) AS p (action, roles, wording)
     WHERE p.action = p_action;
    IF v_roles IS NULL THEN
        RAISE EXCEPTION 'seating._require_permission: unknown action %', p_action;
    END IF;

    SELECT m.role INTO v_role
      FROM seating.restaurant_memberships AS m
     WHERE m.restaurant_id = p_restaurant_id AND m.staff_id = p_staff_id;

    IF v_role IS NULL OR NOT v_role = ANY (v_roles) THEN
        PERFORM seating._raise_error('FORBIDDEN',
            CASE WHEN v_role IS NULL
                 THEN 'You are not a member of this restaurant.'
                 ELSE format('A %s may not %s.', v_role, v_wording) END,
            jsonb_build_object('staffId', p_staff_id, 'action', p_action,
                               'role', v_role, 'allowedRoles', to_jsonb(v_roles)));
    END IF;
    RETURN v_role;
END;
$$;

COMMENT ON FUNCTION seating._require_permission(uuid, uuid, text) IS
    'The one action-to-roles map: read, assign_tables, auto_assign, cancel_any_session, manage_settings. Returns the caller''s role; FORBIDDEN when not a member or the role may not.';
REVOKE ALL ON FUNCTION seating._require_permission(uuid, uuid, text) FROM PUBLIC;
