-- seating._evaluate: the constraint engine. Pure (no writes): evaluates a selection of tables for
-- a booking and returns every check, always all of them, in a fixed order. Manual sessions,
-- confirm and automatic assignment all call it. p_session_id names the session whose own hold
-- must not count as a conflict (null: none). Callers pass the booking and its restaurant as they
-- already read them, and the table ids de-duplicated (seating._selection_ids).
CREATE OR REPLACE FUNCTION seating._evaluate(
    p_booking seating.bookings, p_restaurant seating.restaurants, p_table_ids uuid[],
    p_require_adjacency boolean, p_session_id uuid)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = ''
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_ids uuid[] := p_table_ids;
    v_count integer := cardinality(p_table_ids);
    v_booking seating.bookings := p_booking;
    v_restaurant seating.restaurants := p_restaurant;
    v_window tstzrange;
    v_window_json jsonb;
    v_unknown jsonb;
    v_total integer;
    v_zone_ids jsonb;
    v_inactive jsonb;
    v_fixed jsonb;
    v_single seating.table_inventory;
    v_missing jsonb;
    v_hubs jsonb;
    v_conflicts jsonb;
    v_slack integer;
    v_checks jsonb := '[]';
BEGIN
    SELECT jsonb_agg(u.id ORDER BY u.id) INTO v_unknown
      FROM unnest(v_ids) AS u (id)
     WHERE NOT EXISTS (SELECT FROM seating.table_inventory AS t
                        WHERE t.restaurant_id = v_booking.restaurant_id AND t.id = u.id);
    IF v_unknown IS NOT NULL THEN
        PERFORM seating._raise_error('UNKNOWN_TABLES',
            format('%s of the selected tables do not belong to the booking''s restaurant.', jsonb_array_length(v_unknown)),
            jsonb_build_object('tableIds', v_unknown, 'restaurantId', v_booking.restaurant_id));
    END IF;

    v_window := seating._booking_window(v_booking.start_at, v_booking.end_at, v_restaurant.turnover_buffer_minutes);
    v_window_json := jsonb_build_object('start', lower(v_window), 'end', upper(v_window));

    SELECT sum(t.capacity),
           jsonb_agg(DISTINCT t.zone_id),
           jsonb_agg(jsonb_build_object('tableId', t.id, 'tableNumber', t.table_number) ORDER BY t.table_number)
               FILTER (WHERE NOT t.active),
           jsonb_agg(jsonb_build_object('tableId', t.id, 'tableNumber', t.table_number) ORDER BY t.table_number)
               FILTER (WHERE t.mobility = 'fixed')
      INTO v_total, v_zone_ids, v_inactive, v_fixed
      FROM seating.table_inventory AS t
     WHERE t.restaurant_id = v_booking.restaurant_id AND t.id = ANY (v_ids);

    -- 1. booking_status
    v_checks := v_checks || CASE
        WHEN v_booking.status IN ('completed', 'cancelled', 'no_show') THEN seating._check('booking_status', 'error',
            format('The booking is %s; only open bookings can be given tables.', v_booking.status),
            jsonb_build_object('status', v_booking.status))
        ELSE seating._check('booking_status', 'ok', format('The booking is %s.', v_booking.status),
            jsonb_build_object('status', v_booking.status)) END;

    -- 2. active
    v_checks := v_checks || CASE
        WHEN v_inactive IS NOT NULL THEN seating._check('active', 'error',
            format('Out of service: %s.', (SELECT string_agg(e ->> 'tableNumber', ', ') FROM jsonb_array_elements(v_inactive) AS e)),
            jsonb_build_object('inactiveTables', v_inactive))
        ELSE seating._check('active', 'ok', 'Every table is in service.') END;

    -- 3. capacity
    v_checks := v_checks || CASE
        WHEN v_total < v_booking.party_size THEN seating._check('capacity', 'error',
            format('A party of %s does not fit: the tables seat %s.', v_booking.party_size, v_total),
            jsonb_build_object('totalCapacity', v_total, 'partySize', v_booking.party_size))
        ELSE seating._check('capacity', 'ok',
            format('The tables seat %s for a party of %s.', v_total, v_booking.party_size),
            jsonb_build_object('totalCapacity', v_total, 'partySize', v_booking.party_size)) END;

    -- 4. slack
    v_slack := v_total - v_booking.party_size;
    v_checks := v_checks || CASE
        WHEN v_restaurant.slack_budget IS NULL THEN seating._check('slack', 'ok',
            'The restaurant sets no slack budget.', jsonb_build_object('slack', v_slack, 'slackBudget', NULL))
        WHEN v_slack > v_restaurant.slack_budget THEN seating._check('slack', 'error',
            format('%s empty seats exceed the slack budget of %s.', v_slack, v_restaurant.slack_budget),
            jsonb_build_object('slack', v_slack, 'slackBudget', v_restaurant.slack_budget))
        ELSE seating._check('slack', 'ok',
            format('%s empty seats, within the slack budget of %s.', greatest(v_slack, 0), v_restaurant.slack_budget),
            jsonb_build_object('slack', v_slack, 'slackBudget', v_restaurant.slack_budget)) END;

    -- 5. party_limits (a warning: staff may seat a party at a table meant for another size)
    IF v_count = 1 THEN
        SELECT t.* INTO v_single FROM seating.table_inventory AS t
         WHERE t.restaurant_id = v_booking.restaurant_id AND t.id = v_ids[1];
    END IF;
    v_checks := v_checks || CASE
        WHEN v_count > 1 THEN seating._check('party_limits', 'ok', 'Party limits apply to single-table selections.')
        WHEN v_booking.party_size < v_single.min_party_size OR v_booking.party_size > v_single.max_party_size THEN
            seating._check('party_limits', 'warning',
                format('Table %s is meant for parties of %s to %s; this party is %s.', v_single.table_number,
                       v_single.min_party_size, coalesce(v_single.max_party_size::text, 'any size'), v_booking.party_size),
                jsonb_build_object('tableId', v_single.id, 'minPartySize', v_single.min_party_size,
                                   'maxPartySize', v_single.max_party_size, 'partySize', v_booking.party_size))
        ELSE seating._check('party_limits', 'ok', format('Table %s suits a party of %s.', v_single.table_number, v_booking.party_size)) END;

    -- 6. zone
    v_checks := v_checks || CASE
        WHEN jsonb_array_length(v_zone_ids) > 1 THEN seating._check('zone', 'error',
            format('The tables span %s zones; a selection stays in one zone.', jsonb_array_length(v_zone_ids)),
            jsonb_build_object('zoneIds', v_zone_ids))
        ELSE seating._check('zone', 'ok', 'The tables are in one zone.', jsonb_build_object('zoneIds', v_zone_ids)) END;

    -- 7. movable
    v_checks := v_checks || CASE
        WHEN v_count > 1 AND v_fixed IS NOT NULL THEN seating._check('movable', 'error',
            format('Fixed tables cannot be joined with others: %s.',
                   (SELECT string_agg(e ->> 'tableNumber', ', ') FROM jsonb_array_elements(v_fixed) AS e)),
            jsonb_build_object('fixedTables', v_fixed))
        WHEN v_count > 1 THEN seating._check('movable', 'ok', 'Every table can be moved to join the others.')
        ELSE seating._check('movable', 'ok', 'A single table need not move.') END;

    -- 8. adjacency
    IF v_count = 1 THEN
        v_checks := v_checks || seating._check('adjacency', 'ok', 'A single table needs no neighbours.',
            jsonb_build_object('mode', v_restaurant.adjacency_mode, 'required', coalesce(p_require_adjacency, true)));
    ELSIF NOT coalesce(p_require_adjacency, true) THEN
        v_checks := v_checks || seating._check('adjacency', 'ok', 'Adjacency was not required for this selection.',
            jsonb_build_object('mode', v_restaurant.adjacency_mode, 'required', false));
    ELSIF v_restaurant.adjacency_mode = 'connected' THEN
        -- Walk the adjacency graph from the first selected table; what it cannot reach is apart.
        WITH RECURSIVE edge (a, b) AS (
            SELECT j.table_a, j.table_b FROM seating.table_adjacencies AS j
             WHERE j.restaurant_id = v_booking.restaurant_id AND j.table_a = ANY (v_ids) AND j.table_b = ANY (v_ids)
            UNION ALL
            SELECT j.table_b, j.table_a FROM seating.table_adjacencies AS j
             WHERE j.restaurant_id = v_booking.restaurant_id AND j.table_a = ANY (v_ids) AND j.table_b = ANY (v_ids)
        ), reached (id) AS (
            SELECT v_ids[1]
            UNION
            SELECT edge.b FROM reached JOIN edge ON edge.a = reached.id
        )
        SELECT jsonb_agg(jsonb_build_object('tableId', t.id, 'tableNumber', t.table_number) ORDER BY t.table_number)
          INTO v_missing
          FROM seating.table_inventory AS t
         WHERE t.restaurant_id = v_booking.restaurant_id AND t.id = ANY (v_ids)
           AND t.id NOT IN (SELECT reached.id FROM reached);
        v_checks := v_checks || CASE
            WHEN v_missing IS NOT NULL THEN seating._check('adjacency', 'error',
                format('Not joined to the rest of the selection: %s.',
                       (SELECT string_agg(e ->> 'tableNumber', ', ') FROM jsonb_array_elements(v_missing) AS e)),
                jsonb_build_object('mode', 'connected', 'required', true, 'unconnectedTables', v_missing))
            ELSE seating._check('adjacency', 'ok', 'The tables form one connected group.',
                jsonb_build_object('mode', 'connected', 'required', true)) END;
    ELSIF v_restaurant.adjacency_mode = 'pairwise' THEN
        SELECT jsonb_agg(jsonb_build_object('a', x.id, 'b', y.id, 'tableNumbers', jsonb_build_array(x.table_number, y.table_number))
                         ORDER BY x.table_number, y.table_number)
          INTO v_missing
          FROM seating.table_inventory AS x
          JOIN seating.table_inventory AS y ON y.restaurant_id = x.restaurant_id AND x.id < y.id
         WHERE x.restaurant_id = v_booking.restaurant_id AND x.id = ANY (v_ids) AND y.id = ANY (v_ids)
           AND NOT EXISTS (SELECT FROM seating.table_adjacencies AS j
                            WHERE j.restaurant_id = x.restaurant_id
                              AND least(j.table_a, j.table_b) = x.id AND greatest(j.table_a, j.table_b) = y.id);
        v_checks := v_checks || CASE
            WHEN v_missing IS NOT NULL THEN seating._check('adjacency', 'error',
                format('Every two tables must be adjacent; not adjacent: %s.',
                       (SELECT string_agg((e -> 'tableNumbers' ->> 0) || '–' || (e -> 'tableNumbers' ->> 1), ', ')
                          FROM jsonb_array_elements(v_missing) AS e)),
                jsonb_build_object('mode', 'pairwise', 'required', true, 'missingPairs', v_missing))
            ELSE seating._check('adjacency', 'ok', 'Every two tables are adjacent.',
                jsonb_build_object('mode', 'pairwise', 'required', true)) END;
    ELSE
        SELECT jsonb_agg(t.id ORDER BY t.table_number) INTO v_hubs
          FROM seating.table_inventory AS t
         WHERE t.restaurant_id = v_booking.restaurant_id AND t.id = ANY (v_ids)
           AND (SELECT count(*) FROM seating.table_adjacencies AS j
                 WHERE j.restaurant_id = t.restaurant_id
                   AND ((j.table_a = t.id AND j.table_b = ANY (v_ids)) OR (j.table_b = t.id AND j.table_a = ANY (v_ids))))
               = v_count - 1;
        v_checks := v_checks || CASE
            WHEN v_hubs IS NULL THEN seating._check('adjacency', 'error',
                'No table is adjacent to all the others.',
                jsonb_build_object('mode', 'hub', 'required', true, 'hubTableIds', '[]'::jsonb))
            ELSE seating._check('adjacency', 'ok', 'One table is adjacent to all the others.',
                jsonb_build_object('mode', 'hub', 'required', true, 'hubTableIds', v_hubs)) END;
    END IF;

    -- 9. conflict
    SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
               'tableId', k.table_id,
               'tableNumber', k.table_number,
               'kind', k.kind,
               'window', jsonb_build_object('start', lower(k.during), 'end', upper(k.during)),
               'bookingId', k.booking_id,
               'guestName', k.guest_name,
               'heldBy', k.held_by,
               'heldByName', k.held_by_name,
               'holdExpiresAt', k.hold_expires_at,
               'note', k.note))
             ORDER BY k.table_number, lower(k.during))
      INTO v_conflicts
      FROM seating._blockers(v_booking.restaurant_id, v_booking.id, v_window, v_ids, p_session_id) AS k;
    v_checks := v_checks || CASE
        WHEN v_conflicts IS NOT NULL THEN seating._check('conflict', 'error',
            format('Taken for this booking''s time: %s.',
                   (SELECT string_agg(DISTINCT e ->> 'tableNumber', ', ') FROM jsonb_array_elements(v_conflicts) AS e)),
            jsonb_build_object('window', v_window_json, 'conflicts', v_conflicts))
        ELSE seating._check('conflict', 'ok', 'Every table is free for this booking''s time.',
            jsonb_build_object('window', v_window_json, 'conflicts', '[]'::jsonb)) END;

    RETURN v_checks;
END;
$$;

COMMENT ON FUNCTION seating._evaluate(seating.bookings, seating.restaurants, uuid[], boolean, uuid) IS
    'The constraint engine: booking_status, active, capacity, slack, party_limits, zone, movable, adjacency, conflict, in that order. Raises UNKNOWN_TABLES.';
REVOKE ALL ON FUNCTION seating._evaluate(seating.bookings, seating.restaurants, uuid[], boolean, uuid) FROM PUBLIC;
