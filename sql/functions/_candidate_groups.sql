-- seating._candidate_groups: the tables and joined groups that could seat a booking, for
-- automatic assignment. Not a verdict: callers pass each group to the constraint engine
-- (seating._evaluate), which has the last word. The search only grows groups the engine could
-- pass: single active tables, and groups of up to max_tables_per_booking movable tables in one
-- zone grown along adjacency edges as the restaurant's mode allows (connected: a neighbour of
-- any member; pairwise: a neighbour of every member; hub: a neighbour of the group's first
-- table), so it never lists a combination the adjacency graph or the zone rule excludes.
-- Growing stops once a group seats the party (a larger one only adds empty seats) and a table
-- that would exceed the slack budget is not added. With p_skip_blocked, tables with a known
-- blocker for the booking's window (seating._blockers, the engine's own lookup) are left out;
-- with p_within_slack false, groups over the slack budget are kept (to explain a NO_FIT).
-- Rows: table_ids sorted by id, table_numbers in the same order, total_capacity, table_count.
CREATE OR REPLACE FUNCTION seating._candidate_groups(
    p_booking seating.bookings, p_restaurant seating.restaurants, p_require_adjacency boolean,
    p_session_id uuid, p_skip_blocked boolean DEFAULT true, p_within_slack boolean DEFAULT true)
RETURNS TABLE (table_ids uuid[], table_numbers text[], total_capacity integer, table_count integer)
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    v_party integer := p_booking.party_size;
    v_most integer := CASE WHEN p_within_slack AND p_restaurant.slack_budget IS NOT NULL
                           THEN p_booking.party_size + p_restaurant.slack_budget END;
    v_mode text := CASE WHEN coalesce(p_require_adjacency, true) THEN p_restaurant.adjacency_mode ELSE 'none' END;
    v_blocked uuid[] := '{}'::uuid[];
BEGIN
    IF p_skip_blocked THEN
        SELECT coalesce(array_agg(DISTINCT k.table_id), '{}') INTO v_blocked
          FROM seating._blockers(p_booking.restaurant_id, p_booking.id,
                   seating._booking_window(p_booking.start_at, p_booking.end_at, p_restaurant.turnover_buffer_minutes),
                   ARRAY(SELECT t.id FROM seating.table_inventory AS t
                          WHERE t.restaurant_id = p_booking.restaurant_id AND t.active),
                   p_session_id) AS k;
    END IF;

    RETURN QUERY
    WITH RECURSIVE usable AS (
        SELECT t.id, t.table_number, t.capacity, t.zone_id, t.mobility = 'movable' AS movable
          FROM seating.table_inventory AS t
         WHERE t.restaurant_id = p_booking.restaurant_id AND t.active AND NOT t.id = ANY (v_blocked)
    ), edge (a, b) AS (  -- both directions, between joinable tables of one zone
        SELECT x.id, y.id FROM seating.table_adjacencies AS j
          JOIN usable AS x ON x.id = j.table_a JOIN usable AS y ON y.id = j.table_b
         WHERE j.restaurant_id = p_booking.restaurant_id AND x.zone_id = y.zone_id AND x.movable AND y.movable
        UNION ALL
        SELECT y.id, x.id FROM seating.table_adjacencies AS j
          JOIN usable AS x ON x.id = j.table_a JOIN usable AS y ON y.id = j.table_b
         WHERE j.restaurant_id = p_booking.restaurant_id AND x.zone_id = y.zone_id AND x.movable AND y.movable
    ), grown (ids, total, zone_id, movable, first_id, last_id) AS (
        -- first_id: the group's root (its smallest id, or in hub mode its hub); last_id: the
        -- table added last. Each group is grown in one canonical order, so it is found once
        -- (connected mode may find it along several orders: UNION keeps one, ids are sorted).
        SELECT ARRAY[u.id], u.capacity, u.zone_id, u.movable, u.id, u.id
          FROM usable AS u
         WHERE v_most IS NULL OR u.capacity <= v_most  -- a larger table is over the budget alone
        UNION
        SELECT ARRAY(SELECT x FROM unnest(g.ids || n.id) AS x ORDER BY x), g.total + n.capacity, g.zone_id, true,
               g.first_id, CASE WHEN v_mode = 'connected' THEN g.first_id ELSE n.id END
          FROM grown AS g
          JOIN usable AS n ON n.zone_id = g.zone_id AND n.movable AND NOT n.id = ANY (g.ids)
         WHERE g.movable AND cardinality(g.ids) < p_restaurant.max_tables_per_booking
           AND g.total < v_party
           AND (v_most IS NULL OR g.total + n.capacity <= v_most)
           AND CASE v_mode
                 WHEN 'connected' THEN n.id > g.first_id
                                   AND EXISTS (SELECT FROM edge AS e WHERE e.a = ANY (g.ids) AND e.b = n.id)
                 WHEN 'pairwise' THEN n.id > g.last_id
                                  AND NOT EXISTS (SELECT FROM unnest(g.ids) AS m (id)
                                                   WHERE NOT EXISTS (SELECT FROM edge AS e WHERE e.a = m.id AND e.b = n.id))
                 WHEN 'hub' THEN (cardinality(g.ids) = 1 OR n.id > g.last_id)
                             AND EXISTS (SELECT FROM edge AS e WHERE e.a = g.first_id AND e.b = n.id)
                 ELSE n.id > g.last_id  -- adjacency not required: any tables of one zone
               END
    )
    SELECT DISTINCT g.ids,
           ARRAY(SELECT u.table_number FROM unnest(g.ids) WITH ORDINALITY AS x (id, n)
                   JOIN usable AS u ON u.id = x.id ORDER BY x.n),
           g.total, cardinality(g.ids)
      FROM grown AS g
     WHERE g.total >= v_party AND (v_most IS NULL OR g.total <= v_most);
END;
$$;

COMMENT ON FUNCTION seating._candidate_groups(seating.bookings, seating.restaurants, boolean, uuid, boolean, boolean) IS
    'Tables and joined groups (up to max_tables_per_booking, one zone, along adjacency edges per the restaurant''s mode) that could seat the booking; the engine has the final verdict.';
REVOKE ALL ON FUNCTION seating._candidate_groups(seating.bookings, seating.restaurants, boolean, uuid, boolean, boolean) FROM PUBLIC;
