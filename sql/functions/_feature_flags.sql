-- seating._feature_flags: every flag's effective value for a staff member, in a restaurant or in
-- none: the most specific setting wins (staff in restaurant, staff, restaurant, global default).
CREATE OR REPLACE FUNCTION seating._feature_flags(p_staff_id uuid, p_restaurant_id uuid)
RETURNS TABLE (flag text, enabled boolean, decided_by text)
LANGUAGE sql
STABLE
SET search_path = ''
AS $$
    SELECT f.name,
           coalesce(o.enabled, f.enabled),
           CASE WHEN o.enabled IS NULL THEN 'global'
                WHEN o.staff_id IS NOT NULL AND o.restaurant_id IS NOT NULL THEN 'staff in restaurant'
                WHEN o.staff_id IS NOT NULL THEN 'staff'
                ELSE 'restaurant' END
      FROM seating.feature_flags AS f
      LEFT JOIN LATERAL (
            SELECT x.enabled, x.staff_id, x.restaurant_id
              FROM seating.feature_flag_overrides AS x
             WHERE x.flag = f.name
               AND (x.staff_id IS NULL OR x.staff_id = p_staff_id)
               AND (x.restaurant_id IS NULL OR x.restaurant_id = p_restaurant_id)
             ORDER BY x.staff_id IS NULL, x.restaurant_id IS NULL
             LIMIT 1) AS o ON true
     ORDER BY f.name;
$$;

COMMENT ON FUNCTION seating._feature_flags(uuid, uuid) IS
    'Every feature flag''s effective value for a staff member (null: nobody in particular) in a restaurant (null: none), and which setting decided it.';
REVOKE ALL ON FUNCTION seating._feature_flags(uuid, uuid) FROM PUBLIC;
