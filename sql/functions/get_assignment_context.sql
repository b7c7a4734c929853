-- api.get_assignment_context: what a floor-plan screen needs to assign tables to a booking.
CREATE OR REPLACE FUNCTION api.get_assignment_context(p_staff_id uuid, p_booking_id uuid)
RETURNS TABLE (restaurant jsonb, booking jsonb, current_assignment jsonb, assignment_issues jsonb, session jsonb, zones jsonb, tables jsonb)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_booking seating.bookings;
    v_restaurant seating.restaurants;
    v_session seating.manual_assignment_sessions;
    v_window tstzrange;
BEGIN
    IF p_staff_id IS NULL OR p_booking_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id and a booking id are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'bookingId')));
    END IF;
    v_booking := seating._find_booking(p_booking_id);
    PERFORM seating._require_permission(p_staff_id, v_booking.restaurant_id, 'read');
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = v_booking.restaurant_id;
    v_window := seating._booking_window(v_booking.start_at, v_booking.end_at, v_restaurant.turnover_buffer_minutes);

    -- The caller's active session: a hold past its expiry has ended.
    v_session := seating._active_session(v_booking.restaurant_id, v_booking.id, p_staff_id);
    IF v_session.status = 'HELD' AND NOT seating._hold_is_live(v_session.hold_expires_at) THEN
        v_session := NULL;
    END IF;

    restaurant := jsonb_build_object('id', v_restaurant.id, 'name', v_restaurant.name, 'timezone', v_restaurant.timezone,
        'adjacencyMode', v_restaurant.adjacency_mode, 'holdTtlSeconds', v_restaurant.hold_ttl_seconds);
    booking := jsonb_build_object('id', v_booking.id, 'restaurantId', v_booking.restaurant_id,
        'partySize', v_booking.party_size, 'status', v_booking.status, 'guestName', v_booking.guest_name,
        'startAt', v_booking.start_at, 'endAt', v_booking.end_at,
        'window', jsonb_build_object('start', lower(v_window), 'end', upper(v_window)));
    SELECT coalesce(jsonb_agg(a.table_id ORDER BY a.table_id), '[]') INTO current_assignment
      FROM seating.booking_table_assignments AS a
     WHERE a.restaurant_id = v_booking.restaurant_id AND a.booking_id = v_booking.id AND a.released_at IS NULL;
    assignment_issues := seating._assignment_issues(v_booking, v_restaurant);
    session := CASE WHEN v_session.id IS NOT NULL THEN seating._session_json(seating._session_state(v_session)) END;
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', z.id, 'name', z.name) ORDER BY z.name), '[]') INTO zones
      FROM seating.zones AS z WHERE z.restaurant_id = v_booking.restaurant_id;

    WITH blocker AS (
        -- The first thing that applies per table: maintenance, then an assignment, then a hold.
        SELECT DISTINCT ON (k.table_id) k.*
          FROM seating._blockers(v_booking.restaurant_id, v_booking.id, v_window,
                   ARRAY(SELECT t.id FROM seating.table_inventory AS t WHERE t.restaurant_id = v_booking.restaurant_id),
                   v_session.id) AS k
         ORDER BY k.table_id, array_position(ARRAY['maintenance', 'assignment', 'hold'], k.kind), lower(k.during)
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', t.id,
               'tableNumber', t.table_number,
               'zoneId', t.zone_id,
               'capacity', t.capacity,
               'minPartySize', t.min_party_size,
               'maxPartySize', t.max_party_size,
               'mobility', t.mobility,
               'position', CASE WHEN t.position_x IS NOT NULL THEN jsonb_build_object('x', t.position_x, 'y', t.position_y) END,
               'adjacentTableIds', (SELECT coalesce(jsonb_agg(CASE WHEN j.table_a = t.id THEN j.table_b ELSE j.table_a END), '[]')
                                      FROM seating.table_adjacencies AS j
                                     WHERE j.restaurant_id = t.restaurant_id AND t.id IN (j.table_a, j.table_b)),
               'state', CASE WHEN NOT t.active THEN 'inactive'
                             WHEN k.kind = 'maintenance' THEN 'blocked'
                             WHEN k.kind = 'assignment' THEN 'assigned'
                             WHEN k.kind = 'hold' THEN 'held'
                             ELSE 'free' END,
               'blocker', CASE WHEN t.active AND k.table_id IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object(
                   'kind', k.kind,
                   'window', jsonb_build_object('start', lower(k.during), 'end', upper(k.during)),
                   'bookingId', CASE WHEN k.kind = 'assignment' THEN k.booking_id END,
                   'guestName', k.guest_name,
                   'heldBy', k.held_by,
                   'heldByName', k.held_by_name,
                   'expiresAt', k.hold_expires_at,
                   'note', k.note)) END)
             ORDER BY t.table_number), '[]')
      INTO tables
      FROM seating.table_inventory AS t
      LEFT JOIN blocker AS k ON k.table_id = t.id
     WHERE t.restaurant_id = v_booking.restaurant_id;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.get_assignment_context(uuid, uuid) IS
'The floor plan for one booking: restaurant, booking (with its window), current_assignment (table ids), assignment_issues (the failing checks of the current assignment, e.g. after the party grew), the caller''s active session (or null), zones, and every table with its state for the booking''s window: inactive, blocked (maintenance), assigned (another booking), held (another session''s live hold) or free.
The caller''s own session and the booking''s own assignment never make a table held or assigned. Any member of the restaurant may read it.
Errors: INVALID_INPUT, BOOKING_NOT_FOUND, FORBIDDEN.';
REVOKE ALL ON FUNCTION api.get_assignment_context(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.get_assignment_context(uuid, uuid) TO seating_app;
