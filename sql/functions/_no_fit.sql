-- seating._no_fit: why no selection seats a booking now, for a NO_FIT error and the batch's
-- per-booking reason. {reason, message, partySize, maxTablesPerBooking, slackBudget, ...}:
--   booking_closed: the booking is completed, cancelled or no-show;
--   no_capacity: no active table or group of up to max_tables_per_booking joinable tables in
--     one zone seats the party (largestTableCapacity says how far off);
--   slack: groups seat the party but every one leaves more empty seats than the slack budget
--     (fewestEmptySeats);
--   taken: groups within the budget exist but their tables are taken for the booking's time
--     (takenTables: each table with what blocks it: booking and guest, hold and holder, or
--     maintenance, as the engine's conflict check names them);
--   rejected: the remaining groups fail another of the engine's checks (checks of the first).
CREATE OR REPLACE FUNCTION seating._no_fit(
    p_booking seating.bookings, p_restaurant seating.restaurants, p_require_adjacency boolean, p_session_id uuid)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = ''
AS $$
DECLARE
    v_base jsonb := jsonb_build_object('partySize', p_booking.party_size,
        'maxTablesPerBooking', p_restaurant.max_tables_per_booking, 'slackBudget', p_restaurant.slack_budget);
    v_fewest integer;
    v_within uuid[];
    v_free uuid[];
    v_taken jsonb;
    v_taken_words text;
    v_checks jsonb;
BEGIN
    IF seating._booking_is_closed(p_booking.status) THEN
        RETURN v_base || jsonb_build_object('reason', 'booking_closed',
            'message', format('The booking is %s; only open bookings can be given tables.', p_booking.status));
    END IF;

    IF seating._window_is_over(seating._booking_window(p_booking.start_at, p_booking.end_at, p_restaurant.turnover_buffer_minutes)) THEN
        -- no table can help a booking whose time is over: the engine's booking_status check says so
        v_checks := (SELECT jsonb_agg(c) FROM jsonb_array_elements(
                         seating._evaluate(p_booking, p_restaurant, '{}'::uuid[], p_require_adjacency, p_session_id)) AS e (c)
                      WHERE c ->> 'id' = 'booking_status');
        RETURN v_base || jsonb_build_object('reason', 'rejected', 'checks', v_checks, 'message', v_checks -> 0 ->> 'message');
    END IF;

    SELECT min(g.total_capacity) - p_booking.party_size INTO v_fewest
      FROM seating._candidate_groups(p_booking, p_restaurant, p_require_adjacency, p_session_id, false, false) AS g;
    IF v_fewest IS NULL THEN
        RETURN v_base || jsonb_build_object('reason', 'no_capacity',
            'largestTableCapacity', (SELECT max(t.capacity) FROM seating.table_inventory AS t
                                      WHERE t.restaurant_id = p_booking.restaurant_id AND t.active),
            'message', CASE WHEN p_restaurant.max_tables_per_booking = 1
                            THEN format('No table seats a party of %s (this restaurant does not join tables).',
                                        p_booking.party_size)
                            ELSE format('No table or group of up to %s joinable tables in one zone seats a party of %s.',
                                        p_restaurant.max_tables_per_booking, p_booking.party_size) END);
    END IF;

    SELECT array_agg(DISTINCT x.id) INTO v_within
      FROM seating._candidate_groups(p_booking, p_restaurant, p_require_adjacency, p_session_id, false, true) AS g
     CROSS JOIN LATERAL unnest(g.table_ids) AS x (id);
    IF v_within IS NULL THEN
        RETURN v_base || jsonb_build_object('reason', 'slack', 'fewestEmptySeats', v_fewest,
            'message', format('Every %s that seats a party of %s leaves at least %s empty seats; the slack budget is %s.',
                              CASE WHEN p_restaurant.max_tables_per_booking = 1 THEN 'table' ELSE 'table or group' END,
                              p_booking.party_size, v_fewest, p_restaurant.slack_budget));
    END IF;

    SELECT g.table_ids INTO v_free
      FROM seating._candidate_groups(p_booking, p_restaurant, p_require_adjacency, p_session_id, true, true) AS g
     ORDER BY g.total_capacity, g.table_count, g.table_ids
     LIMIT 1;
    IF v_free IS NULL THEN
        SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                   'tableId', k.table_id, 'tableNumber', k.table_number, 'kind', k.kind,
                   'window', jsonb_build_object('start', lower(k.during), 'end', upper(k.during)),
                   'bookingId', k.booking_id, 'guestName', k.guest_name, 'heldBy', k.held_by,
                   'heldByName', k.held_by_name, 'holdExpiresAt', k.hold_expires_at, 'note', k.note))
                   ORDER BY seating._table_number_key(k.table_number) NULLS LAST, k.table_number, lower(k.during)),
               string_agg(k.table_number || ' (' || CASE k.kind
                   WHEN 'assignment' THEN coalesce(k.guest_name, 'another booking')
                   WHEN 'hold' THEN 'held by ' || coalesce(k.held_by_name, 'another host')
                   ELSE coalesce('blocked: ' || k.note, 'blocked') END || ')', ', ' ORDER BY seating._table_number_key(k.table_number) NULLS LAST, k.table_number, lower(k.during))
          INTO v_taken, v_taken_words
          FROM seating._blockers(p_booking.restaurant_id, p_booking.id,
                   seating._booking_window(p_booking.start_at, p_booking.end_at, p_restaurant.turnover_buffer_minutes),
                   v_within, p_session_id) AS k;
        RETURN v_base || jsonb_build_object('reason', 'taken', 'takenTables', coalesce(v_taken, '[]'),
            'message', format('The tables that would seat a party of %s are taken for its time: %s.',
                              p_booking.party_size, coalesce(v_taken_words, 'by a change made just now')));
    END IF;

    v_checks := seating._evaluate(p_booking, p_restaurant, v_free, p_require_adjacency, p_session_id);
    RETURN v_base || jsonb_build_object('reason', 'rejected', 'checks', v_checks,
        'message', 'The free tables that would seat the party fail another check: '
                   || coalesce((SELECT string_agg(c ->> 'message', ' ' ORDER BY n)
                                  FROM jsonb_array_elements(v_checks) WITH ORDINALITY AS e (c, n)
                                 WHERE c ->> 'severity' = 'error'), 'none now; try again.'));
END;
$$;

COMMENT ON FUNCTION seating._no_fit(seating.bookings, seating.restaurants, boolean, uuid) IS
    'Why nothing seats the booking now: {reason: booking_closed | no_capacity | slack | taken | rejected, message, ...}.';
REVOKE ALL ON FUNCTION seating._no_fit(seating.bookings, seating.restaurants, boolean, uuid) FROM PUBLIC;
