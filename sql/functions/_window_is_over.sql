-- seating._window_is_over: the one definition of a booking whose time is over: its window
-- (seating._booking_window, the turnover buffer included) has ended. The engine's
-- booking_status check refuses such a booking tables; the batch does not plan it.
-- A plain SQL expression, inlined like seating._hold_is_live (which says why it names its
-- operator and function fully).
CREATE OR REPLACE FUNCTION seating._window_is_over(p_window tstzrange)
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
    SELECT pg_catalog.upper(p_window) OPERATOR(pg_catalog.<=) pg_catalog.now()
$$;

COMMENT ON FUNCTION seating._window_is_over(tstzrange) IS
    'True once a booking''s window (turnover buffer included) has ended: its time is over. Inlined into queries.';
REVOKE ALL ON FUNCTION seating._window_is_over(tstzrange) FROM PUBLIC;
