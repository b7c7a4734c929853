-- api.set_feature_flag: turn a feature flag on or off globally, for a restaurant, for a staff
-- member, or for a staff member in one restaurant (for operators; the app may not call it).
CREATE OR REPLACE FUNCTION api.set_feature_flag(
    p_flag text, p_enabled boolean, p_restaurant_id uuid DEFAULT NULL, p_staff_id uuid DEFAULT NULL)
RETURNS TABLE (flag text, restaurant_id uuid, staff_id uuid, enabled boolean)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- writes seating's flag tables for operators who need no table privileges
SET search_path = ''
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM seating.feature_flags AS f WHERE f.name = p_flag) THEN
        PERFORM seating._raise_error('INVALID_INPUT', format('There is no feature flag %L.', p_flag),
            jsonb_build_object('flag', p_flag, 'known', (SELECT jsonb_agg(f.name ORDER BY f.name) FROM seating.feature_flags AS f)));
    END IF;
    IF p_restaurant_id IS NOT NULL AND NOT EXISTS (SELECT FROM seating.restaurants AS r WHERE r.id = p_restaurant_id) THEN
        PERFORM seating._raise_error('INVALID_INPUT', format('There is no restaurant %s.', p_restaurant_id),
            jsonb_build_object('restaurantId', p_restaurant_id));
    END IF;
    IF p_staff_id IS NOT NULL AND NOT EXISTS (SELECT FROM seating.staff AS st WHERE st.id = p_staff_id) THEN
        PERFORM seating._raise_error('STAFF_NOT_FOUND', format('There is no staff member %s.', p_staff_id),
            jsonb_build_object('staffId', p_staff_id));
    END IF;

    IF p_restaurant_id IS NULL AND p_staff_id IS NULL THEN
        IF p_enabled IS NULL THEN
            PERFORM seating._raise_error('INVALID_INPUT', 'The global default is on or off; only an override can be cleared.',
                jsonb_build_object('flag', p_flag));
        END IF;
        UPDATE seating.feature_flags AS f SET enabled = p_enabled, updated_at = now() WHERE f.name = p_flag;
    ELSIF p_enabled IS NULL THEN
        DELETE FROM seating.feature_flag_overrides AS o
         WHERE o.flag = p_flag AND o.restaurant_id IS NOT DISTINCT FROM p_restaurant_id
           AND o.staff_id IS NOT DISTINCT FROM p_staff_id;
    ELSE
        INSERT INTO seating.feature_flag_overrides AS o (flag, restaurant_id, staff_id, enabled)
        VALUES (p_flag, p_restaurant_id, p_staff_id, p_enabled)
        ON CONFLICT ON CONSTRAINT feature_flag_overrides_scope_key
        DO UPDATE SET enabled = excluded.enabled, updated_at = now();
    END IF;
    RETURN QUERY SELECT p_flag, p_restaurant_id, p_staff_id, p_enabled;
END;
$$;

COMMENT ON FUNCTION api.set_feature_flag(text, boolean, uuid, uuid) IS
'Sets a feature flag (e.g. use-new-manual-assignment-flow). No restaurant and no staff: the global default. A restaurant, a staff member, or both: an override; the most specific setting wins (staff in restaurant, staff, restaurant, global).
p_enabled null clears that override (the scope inherits again). For operators in psql or `python -m app flag set`; not granted to the app.
Errors: INVALID_INPUT (unknown flag or restaurant, or clearing the global default), STAFF_NOT_FOUND.';
REVOKE ALL ON FUNCTION api.set_feature_flag(text, boolean, uuid, uuid) FROM PUBLIC;
