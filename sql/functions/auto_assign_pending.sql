-- api.auto_assign_pending: seat every open booking without tables that starts in [p_from, p_to)
-- (DESIGN §12), each through the session path (seating._assign_first_passing), in one
-- transaction. A booking another staff member is holding tables for right now is left to them.
--
-- Lock order as every writer: the bookings (id order), then all the restaurant's tables (id
-- order), so hosts working meanwhile wait for the batch or it for them, never both.
--
-- The plan (in temporary tables, dropped at commit), then the writes:
--   1. candidates: each booking's groups (seating._candidate_groups, free of known blockers);
--   2. greedy: the hardest bookings first (fewest candidates, then the largest party), each
--      takes its best candidate that no planned booking of an overlapping time uses (fewest
--      empty seats, fewest tables, then the tables fewest unplanned overlapping bookings could
--      use: look-ahead);
--   3. repair: a booking left out takes a candidate whose only obstacle is one planned booking
--      that can move to another of its candidates; repeated while it seats more;
--   4. writes: planned bookings by start time, then the rest; each tries its planned group,
--      then its other candidates, and the engine (seating._evaluate, then the hold and confirm)
--      has the last word on every one.
-- Running it again changes nothing: seated bookings have tables, and for the others no
-- candidate is free (step 3 tries every free one), so nothing is written.
CREATE OR REPLACE FUNCTION api.auto_assign_pending(p_staff_id uuid, p_restaurant_id uuid, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (booking_id uuid, outcome text, table_ids uuid[], reason text)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
SET client_min_messages = warning -- no notices about the plan's temporary tables
AS $$
#variable_conflict use_column
DECLARE
    v_restaurant seating.restaurants;
    v_booking seating.bookings;
    v_row record;
    v_pick integer;
    v_move record;
    v_changed boolean;
    v_selections jsonb;
    v_state api.session_state;
    v_why jsonb;
BEGIN
    IF p_staff_id IS NULL OR p_restaurant_id IS NULL OR p_from IS NULL OR p_to IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id, a restaurant id, from and to are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'restaurantId', 'from', 'to')));
    END IF;
    IF NOT (isfinite(p_from) AND isfinite(p_to) AND p_from < p_to AND p_to - p_from <= interval '31 days') THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'from must be before to, both finite, at most 31 days apart.',
            jsonb_build_object('fields', jsonb_build_array('from', 'to'), 'from', p_from, 'to', p_to));
    END IF;
    PERFORM seating._require_permission(p_staff_id, p_restaurant_id, 'auto_assign');
    SELECT r.* INTO v_restaurant FROM seating.restaurants AS r WHERE r.id = p_restaurant_id;

    PERFORM 1 FROM (SELECT b.id FROM seating.bookings AS b
                     WHERE b.restaurant_id = p_restaurant_id AND b.start_at >= p_from AND b.start_at < p_to
                       AND b.status NOT IN ('completed', 'cancelled', 'no_show')
                     ORDER BY b.id FOR NO KEY UPDATE) AS locked;
    PERFORM seating._lock_tables(p_restaurant_id,
        ARRAY(SELECT t.id FROM seating.table_inventory AS t WHERE t.restaurant_id = p_restaurant_id));

    DROP TABLE IF EXISTS pg_temp.auto_batch, pg_temp.auto_candidates, pg_temp.auto_usage;
    CREATE TEMPORARY TABLE pg_temp.auto_batch (
        booking_id uuid PRIMARY KEY, party integer, start_at timestamptz, during tstzrange, own_session uuid,
        held_by text, options integer, done boolean NOT NULL DEFAULT false, planned integer,
        outcome text, table_ids uuid[], reason text) ON COMMIT DROP;
    CREATE TEMPORARY TABLE pg_temp.auto_candidates (
        booking_id uuid, cand integer, table_ids uuid[], numbers text[], empty integer, n integer,
        PRIMARY KEY (booking_id, cand)) ON COMMIT DROP;

    -- Read after the locks: what the bookings look like now.
    INSERT INTO pg_temp.auto_batch (booking_id, party, start_at, during, own_session, held_by)
    SELECT b.id, b.party_size, b.start_at,
           seating._booking_window(b.start_at, b.end_at, v_restaurant.turnover_buffer_minutes),
           (SELECT s.id FROM seating.manual_assignment_sessions AS s
             WHERE s.restaurant_id = b.restaurant_id AND s.booking_id = b.id
               AND s.created_by = p_staff_id AND s.status IN ('PROPOSED', 'HELD')),
           (SELECT format('%s is holding tables for this booking until %s.', st.display_name,
                          to_char(s.hold_expires_at AT TIME ZONE v_restaurant.timezone, 'HH24:MI'))
              FROM seating.manual_assignment_sessions AS s JOIN seating.staff AS st ON st.id = s.created_by
             WHERE s.restaurant_id = b.restaurant_id AND s.booking_id = b.id AND s.created_by <> p_staff_id
               AND s.status IN ('PROPOSED', 'HELD') AND s.status = 'HELD' AND s.hold_expires_at > now()
             ORDER BY s.hold_expires_at DESC LIMIT 1)
      FROM seating.bookings AS b
     WHERE b.restaurant_id = p_restaurant_id AND b.start_at >= p_from AND b.start_at < p_to
       AND b.status NOT IN ('completed', 'cancelled', 'no_show')
       AND NOT EXISTS (SELECT FROM seating.allocations AS a
                        WHERE a.restaurant_id = b.restaurant_id AND a.booking_id = b.id AND a.kind = 'assignment');

    -- 1. candidates
    INSERT INTO pg_temp.auto_candidates (booking_id, cand, table_ids, numbers, empty, n)
    SELECT w.booking_id,
           row_number() OVER (PARTITION BY w.booking_id ORDER BY g.total_capacity, g.table_count, g.table_numbers),
           g.table_ids, g.table_numbers, g.total_capacity - w.party, g.table_count
      FROM pg_temp.auto_batch AS w
      JOIN seating.bookings AS b ON b.restaurant_id = p_restaurant_id AND b.id = w.booking_id
     CROSS JOIN LATERAL seating._candidate_groups(b, v_restaurant, NULL, w.own_session) AS g
     WHERE w.held_by IS NULL;
    UPDATE pg_temp.auto_batch AS w
       SET options = (SELECT count(*) FROM pg_temp.auto_candidates AS c WHERE c.booking_id = w.booking_id);
    CREATE TEMPORARY TABLE pg_temp.auto_usage ON COMMIT DROP AS
    SELECT DISTINCT c.booking_id, x.table_id FROM pg_temp.auto_candidates AS c CROSS JOIN LATERAL unnest(c.table_ids) AS x (table_id);
    CREATE INDEX ON pg_temp.auto_usage (table_id);
    ANALYZE pg_temp.auto_batch, pg_temp.auto_candidates, pg_temp.auto_usage;

    -- 2. greedy, hardest first
    FOR v_row IN SELECT w.* FROM pg_temp.auto_batch AS w WHERE w.held_by IS NULL
                  ORDER BY upper(w.during), w.party, w.options, w.booking_id
    LOOP
        UPDATE pg_temp.auto_batch AS w SET done = true WHERE w.booking_id = v_row.booking_id;
        SELECT c.cand INTO v_pick
          FROM pg_temp.auto_candidates AS c
         WHERE c.booking_id = v_row.booking_id
           AND NOT EXISTS (SELECT FROM pg_temp.auto_batch AS p
                             JOIN pg_temp.auto_candidates AS pc ON pc.booking_id = p.booking_id AND pc.cand = p.planned
                            WHERE p.during && v_row.during AND pc.table_ids && c.table_ids)
         ORDER BY c.n, c.empty,
                  -- the tables free longest before this booking: keep the ones free sooner for others
                  (SELECT max(lower(p.during)) FROM pg_temp.auto_batch AS p
                     JOIN pg_temp.auto_candidates AS pc ON pc.booking_id = p.booking_id AND pc.cand = p.planned
                    WHERE pc.table_ids && c.table_ids AND upper(p.during) <= lower(v_row.during)) DESC NULLS LAST,
                  (SELECT count(DISTINCT u.booking_id) FROM pg_temp.auto_usage AS u
                     JOIN pg_temp.auto_batch AS o ON o.booking_id = u.booking_id
                    WHERE u.table_id = ANY (c.table_ids) AND NOT o.done AND o.during && v_row.during),
                  c.numbers
         LIMIT 1;
        UPDATE pg_temp.auto_batch AS w SET planned = v_pick WHERE w.booking_id = v_row.booking_id;
    END LOOP;

    -- 3. repair: seat a left-out booking directly, or by moving the one planned booking in its way
    LOOP
        v_changed := false;
        FOR v_row IN SELECT w.* FROM pg_temp.auto_batch AS w WHERE w.held_by IS NULL AND w.planned IS NULL AND w.options > 0
                      ORDER BY w.options, w.party DESC, w.start_at, w.booking_id
        LOOP
            SELECT c.cand AS cand, v.booking_id AS moved, c2.cand AS moved_to INTO v_move
              FROM pg_temp.auto_candidates AS c
             CROSS JOIN LATERAL (SELECT array_agg(p.booking_id) AS ids FROM pg_temp.auto_batch AS p
                                   JOIN pg_temp.auto_candidates AS pc ON pc.booking_id = p.booking_id AND pc.cand = p.planned
                                  WHERE p.during && v_row.during AND pc.table_ids && c.table_ids) AS k
              LEFT JOIN pg_temp.auto_batch AS v ON v.booking_id = k.ids[1]
              LEFT JOIN pg_temp.auto_candidates AS c2
                ON c2.booking_id = v.booking_id AND c2.cand <> v.planned
               AND NOT (c2.table_ids && c.table_ids AND v.during && v_row.during)
               AND NOT EXISTS (SELECT FROM pg_temp.auto_batch AS p
                                 JOIN pg_temp.auto_candidates AS pc ON pc.booking_id = p.booking_id AND pc.cand = p.planned
                                WHERE p.booking_id <> v.booking_id AND p.during && v.during AND pc.table_ids && c2.table_ids)
             WHERE c.booking_id = v_row.booking_id
               AND (k.ids IS NULL OR (cardinality(k.ids) = 1 AND c2.cand IS NOT NULL))
             ORDER BY k.ids IS NOT NULL, c.empty, c.n, c2.empty, c2.n, c.numbers, c2.numbers
             LIMIT 1;
            CONTINUE WHEN v_move.cand IS NULL;
            UPDATE pg_temp.auto_batch AS w SET planned = v_move.moved_to WHERE w.booking_id = v_move.moved;
            UPDATE pg_temp.auto_batch AS w SET planned = v_move.cand WHERE w.booking_id = v_row.booking_id;
            v_changed := true;
        END LOOP;
        EXIT WHEN NOT v_changed;
    END LOOP;

    -- 4. writes, each judged by the engine
    FOR v_row IN SELECT w.* FROM pg_temp.auto_batch AS w ORDER BY w.planned IS NULL, w.start_at, w.booking_id
    LOOP
        IF v_row.held_by IS NOT NULL THEN
            UPDATE pg_temp.auto_batch AS w SET outcome = 'no_fit', reason = v_row.held_by WHERE w.booking_id = v_row.booking_id;
            CONTINUE;
        END IF;
        SELECT b.* INTO v_booking FROM seating.bookings AS b WHERE b.restaurant_id = p_restaurant_id AND b.id = v_row.booking_id;
        SELECT jsonb_agg(to_jsonb(c.table_ids) ORDER BY c.cand = v_row.planned IS NOT TRUE, c.empty, c.n, c.numbers)
          INTO v_selections
          FROM pg_temp.auto_candidates AS c WHERE c.booking_id = v_row.booking_id;
        v_state := NULL;
        IF v_selections IS NOT NULL THEN
            v_state := seating._assign_first_passing(p_staff_id, v_booking, v_restaurant, NULL, v_selections);
        END IF;
        IF v_state.id IS NOT NULL THEN
            UPDATE pg_temp.auto_batch AS w
               SET outcome = 'assigned', table_ids = seating._table_ids(v_state.proposed_tables),
                   reason = (SELECT format('Seated at %s: %s seats for a party of %s.',
                                           string_agg(t.table_number, ' + ' ORDER BY t.table_number), sum(t.capacity), v_booking.party_size)
                               FROM seating.table_inventory AS t
                              WHERE t.restaurant_id = p_restaurant_id AND t.id = ANY (seating._table_ids(v_state.proposed_tables)))
             WHERE w.booking_id = v_row.booking_id;
        ELSE
            v_why := seating._no_fit(v_booking, v_restaurant, NULL, v_row.own_session);
            UPDATE pg_temp.auto_batch AS w SET outcome = 'no_fit', reason = v_why ->> 'message' WHERE w.booking_id = v_row.booking_id;
        END IF;
    END LOOP;

    RETURN QUERY SELECT w.booking_id, w.outcome, w.table_ids, w.reason FROM pg_temp.auto_batch AS w ORDER BY w.start_at, w.booking_id;
END;
$$;

COMMENT ON FUNCTION api.auto_assign_pending(uuid, uuid, timestamptz, timestamptz) IS
'Seats every open booking without tables that starts in [p_from, p_to) (at most 31 days), in one transaction, each through a session (hold then confirm, audit reasons auto-assigned).
Plans the evening first (hardest bookings first, look-ahead for scarce tables, then repair moves) to seat as many bookings as it can; every write is judged by the constraint engine.
A booking another staff member is holding tables for is left to them (outcome no_fit, reason says who). One row per booking by start time: outcome assigned (table_ids) or no_fit (reason says why).
Running it again changes nothing. Errors: INVALID_INPUT, FORBIDDEN (owner, manager, host may).';
REVOKE ALL ON FUNCTION api.auto_assign_pending(uuid, uuid, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.auto_assign_pending(uuid, uuid, timestamptz, timestamptz) TO seating_app;
