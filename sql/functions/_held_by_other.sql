-- seating._held_by_other: who else is holding tables for a booking right now, in words for the
-- batch's reason ("Hugo Host is holding tables for this booking until 19:40."), or null.
-- api.auto_assign_pending leaves such a booking to them; it asks once to plan and once more
-- under the locks, before it writes.
CREATE OR REPLACE FUNCTION seating._held_by_other(
    p_restaurant_id uuid, p_booking_id uuid, p_staff_id uuid, p_timezone text)
RETURNS text
LANGUAGE sql
STABLE
SET search_path = ''
AS $$
    SELECT format('%s is holding tables for this booking until %s.', st.display_name,
                  to_char(s.hold_expires_at AT TIME ZONE p_timezone, 'HH24:MI'))
      FROM seating.manual_assignment_sessions AS s JOIN seating.staff AS st ON st.id = s.created_by
     WHERE s.restaurant_id = p_restaurant_id AND s.booking_id = p_booking_id AND s.created_by <> p_staff_id
       AND s.status = 'HELD' AND seating._hold_is_live(s.hold_expires_at)
     ORDER BY s.hold_expires_at DESC
     LIMIT 1
$$;

COMMENT ON FUNCTION seating._held_by_other(uuid, uuid, uuid, text) IS
    'Who else holds tables for the booking now, as a sentence with the hold''s end in the restaurant''s time zone; null when nobody.';
REVOKE ALL ON FUNCTION seating._held_by_other(uuid, uuid, uuid, text) FROM PUBLIC;
