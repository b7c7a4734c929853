-- seating._context_version: the legacy flow's contextVersion for one booking as one staff member
-- sees it. A hash of exactly what can change the answer of validate or hold for this booking:
-- the booking's row, the restaurant's rules, its tables and adjacency, and the occupancy over the
-- booking's window: ledger rows (live holds only) and the booking's other live sessions. The
-- caller's own active session is left out, so their own hold never makes their view stale; a
-- hold refresh (same rows, later expiry) changes nothing; a hold expiring changes it (time alone).
-- Rows outside the window and other restaurants are never read.
CREATE OR REPLACE FUNCTION seating._context_version(
    p_booking seating.bookings, p_restaurant seating.restaurants, p_staff_id uuid)
RETURNS text
LANGUAGE sql
STABLE
SET search_path = ''
AS $$
    WITH w AS (
        SELECT seating._booking_window(p_booking.start_at, p_booking.end_at, p_restaurant.turnover_buffer_minutes) AS during
    ), own AS (
        SELECT x.id FROM (SELECT (seating._active_session(p_booking.restaurant_id, p_booking.id, p_staff_id)).id) AS x (id)
         WHERE x.id IS NOT NULL  -- none: no row, so NOT IN (own) leaves everything in
    )
    SELECT left(encode(sha256(convert_to(concat_ws(E'\n',
        to_jsonb(p_booking)::text,
        to_jsonb(p_restaurant)::text,
        (SELECT string_agg(to_jsonb(t)::text, ',' ORDER BY t.id)
           FROM seating.table_inventory AS t WHERE t.restaurant_id = p_booking.restaurant_id),
        (SELECT string_agg(j.table_a || '-' || j.table_b, ',' ORDER BY j.table_a, j.table_b)
           FROM seating.table_adjacencies AS j WHERE j.restaurant_id = p_booking.restaurant_id),
        (SELECT string_agg(concat_ws(':', a.id, a.table_id, a.kind, a.booking_id, a.during, a.note, h.session_id),
                           ',' ORDER BY a.id)
           FROM seating.allocations AS a
           LEFT JOIN seating.table_holds AS h ON h.restaurant_id = a.restaurant_id AND h.id = a.hold_id
          WHERE a.restaurant_id = p_booking.restaurant_id AND a.during && (SELECT w.during FROM w)
            AND (a.kind <> 'hold' OR (seating._hold_is_live(h.expires_at) AND h.session_id NOT IN (SELECT own.id FROM own)))),
        -- a hold on a table the booking's own assignment covers has no ledger row: read the session
        (SELECT string_agg(s.id || ':' || s.proposed_tables::text, ',' ORDER BY s.id)
           FROM seating.manual_assignment_sessions AS s
          WHERE s.restaurant_id = p_booking.restaurant_id AND s.booking_id = p_booking.id
            AND s.status = 'HELD' AND seating._hold_is_live(s.hold_expires_at) AND s.id NOT IN (SELECT own.id FROM own))
    ), 'UTF8')), 'hex'), 32);
$$;

COMMENT ON FUNCTION seating._context_version(seating.bookings, seating.restaurants, uuid) IS
    'The legacy contextVersion: a hash of the booking, the restaurant''s rules and tables, and the occupancy over the booking''s window (live holds only), leaving out the caller''s own active session.';
REVOKE ALL ON FUNCTION seating._context_version(seating.bookings, seating.restaurants, uuid) FROM PUBLIC;
