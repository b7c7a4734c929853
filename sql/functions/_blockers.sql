-- seating._blockers: what stands in a booking's way on its tables during a window: another
-- booking's assignment, a maintenance block, or another session's live hold. The booking's own
-- assignment and the given session's hold never count. A hold on a table the booking's own
-- assignment covers has no ledger row of its own, so the booking's other sessions are also read
-- from their selections. The engine's conflict check and the floor-plan context both use this.
-- Its plan is generic and cached per connection: enable_seqscan off keeps it on the indexes
-- whatever the statistics saw when it was planned (tests/sql/test_plans.py; bench/notes.md).
CREATE OR REPLACE FUNCTION seating._blockers(
    p_restaurant_id uuid, p_booking_id uuid, p_window tstzrange, p_table_ids uuid[], p_session_id uuid)
RETURNS TABLE (
    table_id uuid, table_number text, kind text, during tstzrange, booking_id uuid, guest_name text,
    held_by uuid, held_by_name text, hold_expires_at timestamptz, note text)
LANGUAGE plpgsql
STABLE
ROWS 4
SET search_path = ''
SET enable_seqscan = off -- whichever caller plans it first, the cached plan uses the indexes
SET enable_bitmapscan = off -- and table_id = ANY (...) can only be a btree lookup (see below)
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    -- Most selections have no blocker: a cheap probe returns early when there can be none (it may
    -- say "maybe" for an expired hold; the query below decides).
    IF NOT EXISTS (SELECT FROM seating.allocations AS a  -- the same lookup as the ledger part below
                    WHERE a.table_id = ANY (p_table_ids) AND upper(a.during) > lower(p_window)
                      AND (a.restaurant_id = p_restaurant_id) IS TRUE
                      AND (a.during && p_window) IS TRUE
                      AND NOT (a.kind = 'assignment' AND a.booking_id = p_booking_id)
                      AND (a.hold_id IS NULL
                           OR a.hold_id IS DISTINCT FROM (SELECT h.id FROM seating.table_holds AS h
                                                           WHERE h.restaurant_id = p_restaurant_id
                                                             AND h.session_id = p_session_id)))
       AND NOT EXISTS (SELECT FROM seating.manual_assignment_sessions AS s
                        WHERE s.restaurant_id = p_restaurant_id AND s.booking_id = p_booking_id
                          AND s.status IN ('PROPOSED', 'HELD') AND (s.status = 'HELD') IS TRUE
                          AND s.id IS DISTINCT FROM p_session_id) THEN
        RETURN;
    END IF;

    RETURN QUERY
    WITH ledger AS (
        SELECT a.table_id, a.kind, a.during, a.booking_id, a.note, a.hold_id
          FROM seating.allocations AS a
         -- table_id = ANY with bitmap scans off: one plan, the btree lookup by table
         -- (tests/sql/test_plans.py); IS TRUE keeps the other columns out of index matching.
         WHERE a.table_id = ANY (p_table_ids) AND upper(a.during) > lower(p_window)
           AND (a.restaurant_id = p_restaurant_id) IS TRUE
           AND (a.during && p_window) IS TRUE
           AND NOT (a.kind = 'assignment' AND a.booking_id = p_booking_id)
        UNION
        SELECT u.id, 'hold', p_window, h.booking_id, NULL, h.id
          FROM seating.manual_assignment_sessions AS s
          JOIN seating.table_holds AS h ON h.restaurant_id = s.restaurant_id AND h.session_id = s.id
         CROSS JOIN LATERAL jsonb_array_elements_text(s.proposed_tables) AS p (value)
         CROSS JOIN LATERAL (SELECT p.value::uuid AS id) AS u
         WHERE s.restaurant_id = p_restaurant_id AND s.booking_id = p_booking_id
           AND s.status IN ('PROPOSED', 'HELD') AND (s.status = 'HELD') IS TRUE  -- the booking's active sessions, by index
           AND u.id = ANY (p_table_ids)
    )
    SELECT k.table_id, t.table_number, k.kind, k.during, k.booking_id,
           CASE WHEN k.kind = 'assignment' THEN b.guest_name END,
           s.created_by, st.display_name, h.expires_at, k.note
      FROM ledger AS k
      JOIN seating.table_inventory AS t ON t.restaurant_id = p_restaurant_id AND t.id = k.table_id
      LEFT JOIN seating.bookings AS b ON b.restaurant_id = p_restaurant_id AND b.id = k.booking_id
      LEFT JOIN seating.table_holds AS h ON h.restaurant_id = p_restaurant_id AND h.id = k.hold_id
      LEFT JOIN seating.manual_assignment_sessions AS s ON s.restaurant_id = h.restaurant_id AND s.id = h.session_id
      LEFT JOIN seating.staff AS st ON st.id = s.created_by
     WHERE k.kind <> 'hold' OR (seating._hold_is_live(h.expires_at) AND h.session_id IS DISTINCT FROM p_session_id);
END;
$$;

COMMENT ON FUNCTION seating._blockers(uuid, uuid, tstzrange, uuid[], uuid) IS
    'Rows that block the given tables for a booking''s window: assignments of other bookings, maintenance, live holds of other sessions (with holder and expiry).';
REVOKE ALL ON FUNCTION seating._blockers(uuid, uuid, tstzrange, uuid[], uuid) FROM PUBLIC;
