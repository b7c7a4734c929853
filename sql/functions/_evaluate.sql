-- seating._evaluate: the constraint engine. Pure (no writes): evaluates a selection of tables for
-- a booking and returns every check, always all of them, in a fixed order. Manual sessions,
-- confirm and automatic assignment all call it. p_session_id names the session whose own hold
-- must not count as a conflict (null: none). Callers pass the booking and its restaurant as they
-- already read them, and the table ids de-duplicated (seating._selection_ids).
-- Each check is computed beside its inputs into a local of its own (v_check_<id>); the result
-- is the array of those locals. It runs on every hold and confirm: few queries, loops of plain
-- expressions over the few rows (bench/notes.md has the measurements behind that).
CREATE OR REPLACE FUNCTION seating._evaluate(
    p_booking seating.bookings, p_restaurant seating.restaurants, p_table_ids uuid[],
    p_require_adjacency boolean, p_session_id uuid)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = ''
SET enable_seqscan = off -- whichever caller plans it first, the cached plan uses the indexes
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_ids uuid[] := p_table_ids;
    v_count integer := cardinality(p_table_ids);
    v_booking seating.bookings := p_booking;
    v_restaurant seating.restaurants := p_restaurant;
    v_closed boolean := seating._booking_is_closed(p_booking.status);
    v_ended boolean;
    v_required boolean := coalesce(p_require_adjacency, true);
    v_window tstzrange;
    v_table record;
    v_blocker record;
    v_unknown jsonb;
    v_total integer := 0;
    v_zones uuid[] := ARRAY[]::uuid[];
    v_zone_ids jsonb;
    v_inactive jsonb;
    v_inactive_numbers text;
    v_fixed jsonb;
    v_fixed_numbers text;
    v_single_id uuid;
    v_single_number text;
    v_single_min integer;
    v_single_max integer;
    v_slack integer;
    v_check_booking_status jsonb;
    v_check_active jsonb;
    v_check_capacity jsonb;
    v_check_slack jsonb;
    v_check_party_limits jsonb;
    v_check_zone jsonb;
    v_check_movable jsonb;
    v_check_adjacency jsonb;
    v_check_conflict jsonb;
    v_missing jsonb;
    v_missing_numbers text;
    v_hubs jsonb;
    v_conflicts jsonb;
    v_conflict_numbers text;
    v_last_number text;
BEGIN
    -- One pass over the selected tables in table-number order (ids that are not the restaurant's
    -- tables last, by id).
    FOR v_table IN
        SELECT u.id AS selected_id, t.id, t.table_number, t.capacity, t.zone_id, t.active, t.mobility,
               t.min_party_size, t.max_party_size
          FROM unnest(v_ids) AS u (id)
          LEFT JOIN seating.table_inventory AS t ON t.restaurant_id = v_booking.restaurant_id AND t.id = u.id
         ORDER BY t.table_number, u.id
    LOOP
        IF v_table.id IS NULL THEN
            v_unknown := coalesce(v_unknown, '[]') || to_jsonb(v_table.selected_id);
            CONTINUE;
        END IF;
        v_total := v_total + v_table.capacity;
        IF NOT v_table.zone_id = ANY (v_zones) THEN
            v_zones := v_zones || v_table.zone_id;
        END IF;
        IF NOT v_table.active THEN
            v_inactive := coalesce(v_inactive, '[]') || jsonb_build_object('tableId', v_table.id, 'tableNumber', v_table.table_number);
            v_inactive_numbers := concat_ws(', ', v_inactive_numbers, v_table.table_number);
        END IF;
        IF v_table.mobility = 'fixed' THEN
            v_fixed := coalesce(v_fixed, '[]') || jsonb_build_object('tableId', v_table.id, 'tableNumber', v_table.table_number);
            v_fixed_numbers := concat_ws(', ', v_fixed_numbers, v_table.table_number);
        END IF;
        -- a single table's own limits (party_limits looks at them only then)
        v_single_id := v_table.id;
        v_single_number := v_table.table_number;
        v_single_min := v_table.min_party_size;
        v_single_max := v_table.max_party_size;
    END LOOP;
    IF v_unknown IS NOT NULL THEN
        PERFORM seating._raise_error('UNKNOWN_TABLES',
            format('%s of the selected tables do not belong to the booking''s restaurant.', jsonb_array_length(v_unknown)),
            jsonb_build_object('tableIds', v_unknown));
    END IF;
    v_window := seating._booking_window(v_booking.start_at, v_booking.end_at, v_restaurant.turnover_buffer_minutes);

    -- 1. booking_status: only an open booking whose window has not ended can be given tables.
    v_ended := seating._window_is_over(v_window);
    v_check_booking_status := jsonb_build_object('id', 'booking_status',
        'severity', CASE WHEN v_closed OR v_ended THEN 'error' ELSE 'ok' END,
        'message', CASE WHEN v_closed THEN format('The booking is %s; only open bookings can be given tables.', v_booking.status)
                        WHEN v_ended THEN format('The booking''s time is over (it ended at %s); past bookings cannot be given tables.',
                                             to_char(v_booking.end_at AT TIME ZONE p_restaurant.timezone, 'YYYY-MM-DD HH24:MI'))
                        ELSE format('The booking is %s.', v_booking.status) END,
        'details', jsonb_build_object('status', v_booking.status, 'ended', v_ended));

    -- 2. active
    v_check_active := jsonb_build_object('id', 'active',
        'severity', CASE WHEN v_inactive IS NULL THEN 'ok' ELSE 'error' END,
        'message', CASE WHEN v_inactive IS NULL THEN 'Every table is in service.'
                        ELSE format('Out of service: %s.', v_inactive_numbers) END,
        'details', CASE WHEN v_inactive IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('inactiveTables', v_inactive) END);

    -- 3. capacity
    v_check_capacity := jsonb_build_object('id', 'capacity',
        'severity', CASE WHEN v_total < v_booking.party_size THEN 'error' ELSE 'ok' END,
        'message', CASE WHEN v_total < v_booking.party_size
                        THEN format('A party of %s does not fit: the tables seat %s.', v_booking.party_size, v_total)
                        ELSE format('The tables seat %s for a party of %s.', v_total, v_booking.party_size) END,
        'details', jsonb_build_object('totalCapacity', v_total, 'partySize', v_booking.party_size));

    -- 4. slack: empty seats within the restaurant's budget (null: no budget)
    v_slack := v_total - v_booking.party_size;
    v_check_slack := jsonb_build_object('id', 'slack',
        'severity', CASE WHEN v_slack > v_restaurant.slack_budget THEN 'error' ELSE 'ok' END,
        'message', CASE WHEN v_restaurant.slack_budget IS NULL THEN 'The restaurant sets no slack budget.'
                        WHEN v_slack > v_restaurant.slack_budget
                        THEN format('%s empty seats exceed the slack budget of %s.', v_slack, v_restaurant.slack_budget)
                        ELSE format('%s empty seats, within the slack budget of %s.', greatest(v_slack, 0), v_restaurant.slack_budget) END,
        'details', jsonb_build_object('slack', v_slack, 'slackBudget', v_restaurant.slack_budget));

    -- 5. party_limits: a warning only (staff may seat a party at a table meant for another size),
    -- and only for a single table
    v_check_party_limits := CASE
        WHEN v_count > 1 THEN jsonb_build_object('id', 'party_limits', 'severity', 'ok',
             'message', 'Party limits apply to single-table selections.', 'details', '{}'::jsonb)
        WHEN v_booking.party_size < v_single_min OR v_booking.party_size > v_single_max
        THEN jsonb_build_object('id', 'party_limits', 'severity', 'warning',
             'message', format('Table %s is meant for parties of %s to %s; this party is %s.', v_single_number,
                               v_single_min, coalesce(v_single_max::text, 'any size'), v_booking.party_size),
             'details', jsonb_build_object('tableId', v_single_id, 'minPartySize', v_single_min,
                                           'maxPartySize', v_single_max, 'partySize', v_booking.party_size))
        ELSE jsonb_build_object('id', 'party_limits', 'severity', 'ok',
             'message', format('Table %s suits a party of %s.', v_single_number, v_booking.party_size),
             'details', '{}'::jsonb) END;

    -- 6. zone: the zones as a set, sorted by id (a query only when the tables span several)
    v_zone_ids := CASE WHEN cardinality(v_zones) > 1
                       THEN (SELECT jsonb_agg(z.id ORDER BY z.id) FROM unnest(v_zones) AS z (id))
                       ELSE to_jsonb(v_zones) END;
    v_check_zone := jsonb_build_object('id', 'zone',
        'severity', CASE WHEN cardinality(v_zones) > 1 THEN 'error' ELSE 'ok' END,
        'message', CASE WHEN cardinality(v_zones) > 1
                        THEN format('The tables span %s zones; a selection stays in one zone.', cardinality(v_zones))
                        ELSE 'The tables are in one zone.' END,
        'details', jsonb_build_object('zoneIds', v_zone_ids));

    -- 7. movable: a fixed table cannot be joined with others
    v_check_movable := jsonb_build_object('id', 'movable',
        'severity', CASE WHEN v_count > 1 AND v_fixed IS NOT NULL THEN 'error' ELSE 'ok' END,
        'message', CASE WHEN v_count > 1 AND v_fixed IS NOT NULL
                        THEN format('Fixed tables cannot be joined with others: %s.', v_fixed_numbers)
                        WHEN v_count > 1 THEN 'Every table can be moved to join the others.'
                        ELSE 'A single table need not move.' END,
        'details', CASE WHEN v_count > 1 AND v_fixed IS NOT NULL THEN jsonb_build_object('fixedTables', v_fixed)
                        ELSE '{}'::jsonb END);

    -- 8. adjacency: what the selection's shape needs depends on the restaurant's mode.
    IF v_count = 1 THEN
        v_check_adjacency := jsonb_build_object('id', 'adjacency', 'severity', 'ok', 'message', 'A single table needs no neighbours.',
            'details', jsonb_build_object('mode', v_restaurant.adjacency_mode, 'required', v_required));
    ELSIF NOT v_required THEN
        v_check_adjacency := jsonb_build_object('id', 'adjacency', 'severity', 'ok', 'message', 'Adjacency was not required for this selection.',
            'details', jsonb_build_object('mode', v_restaurant.adjacency_mode, 'required', false));
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
        SELECT jsonb_agg(jsonb_build_object('tableId', t.id, 'tableNumber', t.table_number) ORDER BY t.table_number),
               string_agg(t.table_number, ', ' ORDER BY t.table_number)
          INTO v_missing, v_missing_numbers
          FROM seating.table_inventory AS t
         WHERE t.restaurant_id = v_booking.restaurant_id AND t.id = ANY (v_ids)
           AND t.id NOT IN (SELECT reached.id FROM reached);
        v_check_adjacency := jsonb_build_object('id', 'adjacency',
            'severity', CASE WHEN v_missing IS NULL THEN 'ok' ELSE 'error' END,
            'message', CASE WHEN v_missing IS NULL THEN 'The tables form one connected group.'
                            ELSE format('Not joined to the rest of the selection: %s.', v_missing_numbers) END,
            'details', jsonb_strip_nulls(jsonb_build_object('mode', 'connected', 'required', true, 'unconnectedTables', v_missing)));
    ELSIF v_restaurant.adjacency_mode = 'pairwise' THEN
        SELECT jsonb_agg(jsonb_build_object('a', x.id, 'b', y.id, 'tableNumbers', jsonb_build_array(x.table_number, y.table_number))
                         ORDER BY x.table_number, y.table_number),
               string_agg(x.table_number || '–' || y.table_number, ', ' ORDER BY x.table_number, y.table_number)
          INTO v_missing, v_missing_numbers
          FROM seating.table_inventory AS x
          JOIN seating.table_inventory AS y ON y.restaurant_id = x.restaurant_id AND x.id < y.id
         WHERE x.restaurant_id = v_booking.restaurant_id AND x.id = ANY (v_ids) AND y.id = ANY (v_ids)
           AND NOT EXISTS (SELECT FROM seating.table_adjacencies AS j
                            WHERE j.restaurant_id = x.restaurant_id
                              AND least(j.table_a, j.table_b) = x.id AND greatest(j.table_a, j.table_b) = y.id);
        v_check_adjacency := jsonb_build_object('id', 'adjacency',
            'severity', CASE WHEN v_missing IS NULL THEN 'ok' ELSE 'error' END,
            'message', CASE WHEN v_missing IS NULL THEN 'Every two tables are adjacent.'
                            ELSE format('Every two tables must be adjacent; not adjacent: %s.', v_missing_numbers) END,
            'details', jsonb_strip_nulls(jsonb_build_object('mode', 'pairwise', 'required', true, 'missingPairs', v_missing)));
    ELSE
        SELECT jsonb_agg(t.id ORDER BY t.table_number) INTO v_hubs
          FROM seating.table_inventory AS t
         WHERE t.restaurant_id = v_booking.restaurant_id AND t.id = ANY (v_ids)
           AND (SELECT count(*) FROM seating.table_adjacencies AS j
                 WHERE j.restaurant_id = t.restaurant_id
                   AND ((j.table_a = t.id AND j.table_b = ANY (v_ids)) OR (j.table_b = t.id AND j.table_a = ANY (v_ids))))
               = v_count - 1;
        v_check_adjacency := jsonb_build_object('id', 'adjacency',
            'severity', CASE WHEN v_hubs IS NULL THEN 'error' ELSE 'ok' END,
            'message', CASE WHEN v_hubs IS NULL THEN 'No table is adjacent to all the others.'
                            ELSE 'One table is adjacent to all the others.' END,
            'details', jsonb_build_object('mode', 'hub', 'required', true, 'hubTableIds', coalesce(v_hubs, '[]')));
    END IF;

    -- 9. conflict: whoever blocks the tables, by table and time.
    FOR v_blocker IN
        SELECT k.* FROM seating._blockers(v_booking.restaurant_id, v_booking.id, v_window, v_ids, p_session_id) AS k
         ORDER BY k.table_number, lower(k.during)
    LOOP
        v_conflicts := coalesce(v_conflicts, '[]') || jsonb_strip_nulls(jsonb_build_object(
            'tableId', v_blocker.table_id,
            'tableNumber', v_blocker.table_number,
            'kind', v_blocker.kind,
            'window', jsonb_build_object('start', lower(v_blocker.during), 'end', upper(v_blocker.during)),
            'bookingId', v_blocker.booking_id,
            'guestName', v_blocker.guest_name,
            'heldBy', v_blocker.held_by,
            'heldByName', v_blocker.held_by_name,
            'holdExpiresAt', v_blocker.hold_expires_at,
            'note', v_blocker.note));
        IF v_blocker.table_number IS DISTINCT FROM v_last_number THEN
            v_conflict_numbers := concat_ws(', ', v_conflict_numbers, v_blocker.table_number);
            v_last_number := v_blocker.table_number;
        END IF;
    END LOOP;

    v_check_conflict := jsonb_build_object('id', 'conflict',
        'severity', CASE WHEN v_conflicts IS NULL THEN 'ok' ELSE 'error' END,
        'message', CASE WHEN v_conflicts IS NULL THEN 'Every table is free for this booking''s time.'
                        ELSE format('Taken for this booking''s time: %s.', v_conflict_numbers) END,
        'details', jsonb_build_object('window', jsonb_build_object('start', lower(v_window), 'end', upper(v_window)),
                                      'conflicts', coalesce(v_conflicts, '[]')));

    -- Every check, in the fixed order: {id, severity (ok | warning | error), message, details}.
    RETURN jsonb_build_array(v_check_booking_status, v_check_active, v_check_capacity, v_check_slack,
                             v_check_party_limits, v_check_zone, v_check_movable, v_check_adjacency, v_check_conflict);
END;
$$;

COMMENT ON FUNCTION seating._evaluate(seating.bookings, seating.restaurants, uuid[], boolean, uuid) IS
    'The constraint engine: booking_status, active, capacity, slack, party_limits, zone, movable, adjacency, conflict, in that order. Raises UNKNOWN_TABLES.';
REVOKE ALL ON FUNCTION seating._evaluate(seating.bookings, seating.restaurants, uuid[], boolean, uuid) FROM PUBLIC;
