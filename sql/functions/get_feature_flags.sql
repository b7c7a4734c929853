-- api.get_feature_flags: the effective feature flags, for operators in psql and `python -m app flag show`.
CREATE OR REPLACE FUNCTION api.get_feature_flags(p_staff_id uuid DEFAULT NULL, p_restaurant_id uuid DEFAULT NULL)
RETURNS TABLE (flag text, enabled boolean, decided_by text, description text, overrides jsonb)
LANGUAGE sql
STABLE
SECURITY DEFINER -- reads seating's flag tables for operators who need no table privileges
SET search_path = ''
AS $$
    SELECT e.flag, e.enabled, e.decided_by, f.description,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('restaurantId', o.restaurant_id, 'staffId', o.staff_id,
                                                         'enabled', o.enabled, 'updatedAt', o.updated_at)
                                      ORDER BY o.restaurant_id NULLS FIRST, o.staff_id NULLS FIRST), '[]')
              FROM seating.feature_flag_overrides AS o WHERE o.flag = e.flag)
      FROM seating._feature_flags(p_staff_id, p_restaurant_id) AS e
      JOIN seating.feature_flags AS f ON f.name = e.flag
     ORDER BY e.flag;
$$;

COMMENT ON FUNCTION api.get_feature_flags(uuid, uuid) IS
'The feature flags as they apply to a staff member (p_staff_id) in a restaurant (p_restaurant_id); both optional (null: the global defaults and restaurant overrides only).
One row per flag: enabled, decided_by (global, restaurant, staff, staff in restaurant: the most specific setting wins), its description and every override set for it.
For operators; the app reads the caller''s flags through api.get_me.';
REVOKE ALL ON FUNCTION api.get_feature_flags(uuid, uuid) FROM PUBLIC;
