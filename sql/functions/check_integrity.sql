-- api.check_integrity: every invariant of the data model (DESIGN §3-§9) checked over the whole
-- database; one row per violation, none in a healthy database. For DBAs and the test suite.
-- It reads everything: run it in a quiet moment on a large database.
CREATE OR REPLACE FUNCTION api.check_integrity()
RETURNS SETOF api.integrity_violation
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- reads every seating table for the operator who calls it
SET search_path = ''
AS $$
BEGIN
    -- The current confirmed record and the ledger's assignment rows are the same set of
    -- (booking, table) ...
    RETURN QUERY
    SELECT 'assignment_without_ledger_row', a.restaurant_id,
           jsonb_build_object('bookingId', a.booking_id, 'tableId', a.table_id)
      FROM seating.booking_table_assignments AS a
     WHERE a.released_at IS NULL
       AND NOT EXISTS (SELECT FROM seating.allocations AS l
                        WHERE l.restaurant_id = a.restaurant_id AND l.booking_id = a.booking_id
                          AND l.table_id = a.table_id AND l.kind = 'assignment');
    RETURN QUERY
    SELECT 'ledger_row_without_assignment', l.restaurant_id,
           jsonb_build_object('bookingId', l.booking_id, 'tableId', l.table_id, 'allocationId', l.id)
      FROM seating.allocations AS l
     WHERE l.kind = 'assignment'
       AND NOT EXISTS (SELECT FROM seating.booking_table_assignments AS a
                        WHERE a.restaurant_id = l.restaurant_id AND a.booking_id = l.booking_id
                          AND a.table_id = l.table_id AND a.released_at IS NULL);
    -- ... and every current hold or assignment row has its booking's current window.
    RETURN QUERY
    SELECT 'ledger_window_stale', l.restaurant_id,
           jsonb_build_object('allocationId', l.id, 'kind', l.kind, 'bookingId', l.booking_id, 'tableId', l.table_id,
                              'ledgerWindow', jsonb_build_object('start', lower(l.during), 'end', upper(l.during)),
                              'bookingWindow', jsonb_build_object('start', lower(w.during), 'end', upper(w.during)))
      FROM seating.allocations AS l
      JOIN seating.bookings AS b ON b.restaurant_id = l.restaurant_id AND b.id = l.booking_id
      JOIN seating.restaurants AS r ON r.id = l.restaurant_id
     CROSS JOIN LATERAL (SELECT seating._booking_window(b.start_at, b.end_at, r.turnover_buffer_minutes) AS during) AS w
     WHERE l.kind IN ('hold', 'assignment') AND l.during <> w.during
       AND greatest(upper(l.during), upper(w.during)) > now()  -- rows over before a buffer change keep theirs
       AND (l.kind = 'assignment'
            OR seating._hold_row_is_live(l.restaurant_id, l.hold_id));
    -- A closed booking keeps no tables.
    RETURN QUERY
    SELECT 'closed_booking_has_tables', b.restaurant_id, jsonb_build_object('bookingId', b.id, 'status', b.status)
      FROM seating.bookings AS b
     WHERE seating._booking_is_closed(b.status)
       AND (EXISTS (SELECT FROM seating.allocations AS l WHERE l.restaurant_id = b.restaurant_id AND l.booking_id = b.id)
            OR EXISTS (SELECT FROM seating.booking_table_assignments AS a
                        WHERE a.restaurant_id = b.restaurant_id AND a.booking_id = b.id AND a.released_at IS NULL)
            OR EXISTS (SELECT FROM seating.manual_assignment_sessions AS s
                        WHERE s.restaurant_id = b.restaurant_id AND s.booking_id = b.id
                          AND s.status IN ('PROPOSED', 'HELD')));
    -- A current assignment names an existing table.
    RETURN QUERY
    SELECT 'assignment_of_unknown_table', a.restaurant_id, jsonb_build_object('bookingId', a.booking_id, 'tableId', a.table_id)
      FROM seating.booking_table_assignments AS a
     WHERE a.released_at IS NULL
       AND NOT EXISTS (SELECT FROM seating.table_inventory AS t WHERE t.restaurant_id = a.restaurant_id AND t.id = a.table_id);
    -- No table is given to two open bookings whose real windows (from bookings, not the ledger)
    -- overlap.
    RETURN QUERY
    SELECT 'double_booking', x.restaurant_id,
           jsonb_build_object('tableId', x.table_id, 'bookingIds', jsonb_build_array(x.booking_id, y.booking_id))
      FROM seating.booking_table_assignments AS x
      JOIN seating.booking_table_assignments AS y
        ON y.restaurant_id = x.restaurant_id AND y.table_id = x.table_id AND y.booking_id > x.booking_id
       AND y.released_at IS NULL
      JOIN seating.bookings AS bx ON bx.restaurant_id = x.restaurant_id AND bx.id = x.booking_id
      JOIN seating.bookings AS by_ ON by_.restaurant_id = y.restaurant_id AND by_.id = y.booking_id
      JOIN seating.restaurants AS r ON r.id = x.restaurant_id
     WHERE x.released_at IS NULL
       AND NOT seating._booking_is_closed(bx.status) AND NOT seating._booking_is_closed(by_.status)
       AND seating._booking_window(bx.start_at, bx.end_at, r.turnover_buffer_minutes)
           && seating._booking_window(by_.start_at, by_.end_at, r.turnover_buffer_minutes);
    -- A hold row belongs to its hold's booking; a hold belongs to a session that is HELD.
    RETURN QUERY
    SELECT 'hold_row_of_another_booking', l.restaurant_id,
           jsonb_build_object('allocationId', l.id, 'bookingId', l.booking_id, 'holdBookingId', h.booking_id)
      FROM seating.allocations AS l
      JOIN seating.table_holds AS h ON h.restaurant_id = l.restaurant_id AND h.id = l.hold_id
     WHERE l.booking_id IS DISTINCT FROM h.booking_id;
    RETURN QUERY
    SELECT 'hold_of_session_not_held', h.restaurant_id,
           jsonb_build_object('holdId', h.id, 'sessionId', h.session_id, 'status', s.status)
      FROM seating.table_holds AS h
      JOIN seating.manual_assignment_sessions AS s ON s.restaurant_id = h.restaurant_id AND s.id = h.session_id
     WHERE s.status <> 'HELD' OR s.booking_id <> h.booking_id;
    -- A live HELD session has its hold, with its expiry, on every table it selected (a hold row,
    -- or the booking's own assignment row).
    RETURN QUERY
    SELECT 'held_session_without_hold', s.restaurant_id,
           jsonb_build_object('sessionId', s.id, 'bookingId', s.booking_id, 'tableId', u.id,
                              'holdExpiresAt', s.hold_expires_at, 'holdExpiry', h.expires_at)
      FROM seating.manual_assignment_sessions AS s
      LEFT JOIN seating.table_holds AS h ON h.restaurant_id = s.restaurant_id AND h.session_id = s.id
     CROSS JOIN LATERAL unnest(seating._table_ids(s.proposed_tables)) AS u (id)
     WHERE s.status = 'HELD' AND seating._hold_is_live(s.hold_expires_at)
       AND (h.id IS NULL OR h.expires_at <> s.hold_expires_at
            OR NOT EXISTS (SELECT FROM seating.allocations AS l
                            WHERE l.restaurant_id = s.restaurant_id AND l.table_id = u.id
                              AND (l.hold_id = h.id OR (l.kind = 'assignment' AND l.booking_id = s.booking_id))));
    -- Times are finite (also CHECK constraints: this catches a database migrated around them).
    RETURN QUERY
    SELECT 'infinite_time', b.restaurant_id, jsonb_build_object('bookingId', b.id)
      FROM seating.bookings AS b
     WHERE NOT (isfinite(b.start_at) AND isfinite(b.end_at));
END;
$$;

COMMENT ON FUNCTION api.check_integrity() IS
'Checks every invariant of the seating data and returns one row per violation (invariant, restaurant_id, details); none in a healthy database.
Invariants: assignment_without_ledger_row, ledger_row_without_assignment, ledger_window_stale, closed_booking_has_tables, assignment_of_unknown_table, double_booking, hold_row_of_another_booking, hold_of_session_not_held, held_session_without_hold, infinite_time.
Reads every row: for operators and tests, not for the app.';
REVOKE ALL ON FUNCTION api.check_integrity() FROM PUBLIC;
