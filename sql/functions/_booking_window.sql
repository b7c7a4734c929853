-- seating._booking_window: the time a booking occupies its tables, the one window used by
-- validation, holds, assignments and conflict reports.
CREATE OR REPLACE FUNCTION seating._booking_window(p_start_at timestamptz, p_end_at timestamptz, p_turnover_buffer_minutes integer)
RETURNS tstzrange
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
BEGIN
    RETURN tstzrange(p_start_at, p_end_at + make_interval(mins => p_turnover_buffer_minutes), '[)');
END;
$$;

COMMENT ON FUNCTION seating._booking_window(timestamptz, timestamptz, integer) IS
    'A booking''s window: [start_at, end_at + turnover buffer), half-open, so back-to-back bookings do not overlap.';
REVOKE ALL ON FUNCTION seating._booking_window(timestamptz, timestamptz, integer) FROM PUBLIC;
