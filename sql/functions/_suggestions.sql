-- seating._suggestions: a booking's candidate groups (seating._candidate_groups) ranked, each
-- passed through the constraint engine; the first p_limit that pass, best first.
-- Ranking: fewest empty seats, then fewest tables, then scarcity (how many larger parties,
-- still waiting without tables around this booking's time, could use these tables: a table's
-- reach is its seats plus those of its largest joinable neighbours, up to the restaurant's
-- max_tables_per_booking), then the reach itself (keep big tables and combinations free), then
-- the table numbers. score = 1000 * empty seats + 100 * (tables - 1) + scarcity (capped at 99):
-- lower is better. reasons: [{factor, message}] in a host's words.
CREATE OR REPLACE FUNCTION seating._suggestions(
    p_booking seating.bookings, p_restaurant seating.restaurants, p_require_adjacency boolean,
    p_session_id uuid, p_limit integer)
RETURNS TABLE (rank integer, table_ids uuid[], table_numbers text[], total_capacity integer, slack integer,
               score integer, reasons jsonb)
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    v_window tstzrange := seating._booking_window(p_booking.start_at, p_booking.end_at, p_restaurant.turnover_buffer_minutes);
    v_row record;
    v_checks jsonb;
    v_warning text;
BEGIN
    rank := 0;
    FOR v_row IN
        WITH groups AS (
            SELECT g.* FROM seating._candidate_groups(p_booking, p_restaurant, p_require_adjacency, p_session_id) AS g
        ), waiting AS MATERIALIZED (  -- larger parties without tables whose time overlaps this booking's
            SELECT b.party_size
              FROM seating.bookings AS b
             WHERE b.restaurant_id = p_booking.restaurant_id AND b.id <> p_booking.id
               -- by index on start time; a booking that began over a day earlier is not waiting tonight
               AND b.start_at < upper(v_window) AND b.start_at > lower(v_window) - interval '1 day'
               AND seating._booking_window(b.start_at, b.end_at, p_restaurant.turnover_buffer_minutes) && v_window
               AND NOT seating._booking_is_closed(b.status)
               AND b.party_size > p_booking.party_size
               AND NOT EXISTS (SELECT FROM seating.allocations AS a
                                WHERE a.restaurant_id = b.restaurant_id AND a.booking_id = b.id AND a.kind = 'assignment')
        ), reach AS (  -- per table: its seats, plus its largest joinable neighbours' unless it is fixed
            SELECT t.id, t.table_number,
                   t.capacity + CASE WHEN t.mobility = 'fixed' THEN 0 ELSE coalesce(nb.seats, 0) END AS reach
              FROM seating.table_inventory AS t
              LEFT JOIN (
                  SELECT x.id, sum(x.capacity)::integer AS seats
                    FROM (SELECT e.id, n.capacity,
                                 row_number() OVER (PARTITION BY e.id ORDER BY n.capacity DESC) AS k
                            FROM seating.table_adjacencies AS j
                           CROSS JOIN LATERAL (VALUES (j.table_a, j.table_b), (j.table_b, j.table_a)) AS e (id, other)
                            JOIN seating.table_inventory AS s ON s.restaurant_id = j.restaurant_id AND s.id = e.id
                            JOIN seating.table_inventory AS n ON n.restaurant_id = j.restaurant_id AND n.id = e.other
                           WHERE j.restaurant_id = p_booking.restaurant_id
                             AND n.zone_id = s.zone_id AND n.active AND n.mobility = 'movable') AS x
                   WHERE x.k < p_restaurant.max_tables_per_booking
                   GROUP BY x.id) AS nb ON nb.id = t.id
             WHERE t.restaurant_id = p_booking.restaurant_id
               AND t.id IN (SELECT unnest(groups.table_ids) FROM groups)
        )
        SELECT ARRAY(SELECT r.id FROM reach AS r WHERE r.id = ANY (g.table_ids) ORDER BY r.table_number) AS ids,
               ARRAY(SELECT r.table_number FROM reach AS r WHERE r.id = ANY (g.table_ids) ORDER BY seating._table_number_key(r.table_number) NULLS LAST, r.table_number) AS numbers,
               g.total_capacity AS total, g.table_count AS n, g.total_capacity - p_booking.party_size AS empty,
               -- a waiting party could use these tables when one of them reaches its size
               (SELECT count(*) FROM waiting AS w WHERE w.party_size <= m.reach_max)::integer AS demand,
               m.reach_sum
          FROM groups AS g
         CROSS JOIN LATERAL (SELECT max(r.reach) AS reach_max, sum(r.reach)::integer AS reach_sum
                               FROM reach AS r WHERE r.id = ANY (g.table_ids)) AS m
         ORDER BY empty, n, demand, reach_sum, numbers
    LOOP
        v_checks := seating._evaluate(p_booking, p_restaurant, v_row.ids, p_require_adjacency, p_session_id);
        CONTINUE WHEN v_checks @> '[{"severity": "error"}]';
        v_warning := (SELECT e ->> 'message' FROM jsonb_array_elements(v_checks) AS e WHERE e ->> 'severity' = 'warning' LIMIT 1);
        rank := rank + 1;
        table_ids := v_row.ids;
        table_numbers := v_row.numbers;
        total_capacity := v_row.total;
        slack := v_row.empty;
        score := 1000 * v_row.empty + 100 * (v_row.n - 1) + least(v_row.demand, 99);
        reasons := jsonb_build_array(
            jsonb_build_object('factor', 'empty_seats', 'value', v_row.empty, 'message',
                CASE WHEN v_row.empty = 0 THEN format('Seats %s for a party of %s: no empty seat.', v_row.total, p_booking.party_size)
                     ELSE format('Seats %s for a party of %s: %s empty %s.', v_row.total, p_booking.party_size, v_row.empty,
                                 CASE WHEN v_row.empty = 1 THEN 'seat' ELSE 'seats' END) END),
            jsonb_build_object('factor', 'tables', 'value', v_row.n, 'message',
                CASE WHEN v_row.n = 1 THEN format('One table: %s.', v_row.numbers[1])
                     ELSE format('%s tables joined: %s.', v_row.n, array_to_string(v_row.numbers, ' + ')) END),
            jsonb_build_object('factor', 'scarcity', 'value', v_row.demand, 'message',
                CASE WHEN v_row.demand = 0 THEN 'No larger party waiting around this time needs these tables.'
                     WHEN v_row.demand = 1 THEN 'One larger party still waiting around this time could use these tables.'
                     ELSE format('%s larger parties still waiting around this time could use these tables.', v_row.demand) END))
            || CASE WHEN v_warning IS NULL THEN '[]'::jsonb
                    ELSE jsonb_build_array(jsonb_build_object('factor', 'party_limits', 'value', NULL, 'message', v_warning)) END;
        RETURN NEXT;
        EXIT WHEN rank >= p_limit;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION seating._suggestions(seating.bookings, seating.restaurants, boolean, uuid, integer) IS
    'Ranked selections the constraint engine passes now for the booking (fewest empty seats, fewest tables, scarce tables kept free, table numbers); at most p_limit rows.';
REVOKE ALL ON FUNCTION seating._suggestions(seating.bookings, seating.restaurants, boolean, uuid, integer) FROM PUBLIC;
