-- api.purge_history: the retention purge: closed sessions (with their events) and revoked tokens
-- older than the retention period.
CREATE OR REPLACE FUNCTION api.purge_history(p_retention_days integer)
RETURNS TABLE (sessions bigint, session_events bigint, staff_tokens bigint)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- deletes from seating's tables for operators and the sweeper
SET search_path = ''
AS $$
DECLARE
    v_cutoff timestamptz;
BEGIN
    IF p_retention_days IS NULL OR p_retention_days < 1 THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'The retention period is a whole number of days, at least 1.',
            jsonb_build_object('retentionDays', p_retention_days));
    END IF;
    v_cutoff := now() - make_interval(days => p_retention_days);

    WITH gone AS (
        DELETE FROM seating.session_events AS e
         USING seating.manual_assignment_sessions AS s
         WHERE e.restaurant_id = s.restaurant_id AND e.session_id = s.id
           AND s.status IN ('CONFIRMED', 'CANCELLED', 'EXPIRED') AND s.updated_at < v_cutoff
        RETURNING 1)
    SELECT count(*) INTO session_events FROM gone;

    WITH gone AS (
        DELETE FROM seating.manual_assignment_sessions AS s
         WHERE s.status IN ('CONFIRMED', 'CANCELLED', 'EXPIRED') AND s.updated_at < v_cutoff
        RETURNING 1)
    SELECT count(*) INTO sessions FROM gone;

    WITH gone AS (
        DELETE FROM seating.staff_tokens AS k WHERE k.revoked_at < v_cutoff OR k.expires_at < v_cutoff
        RETURNING 1)
    SELECT count(*) INTO staff_tokens FROM gone;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.purge_history(integer) IS
'Deletes closed sessions (CONFIRMED, CANCELLED, EXPIRED) last changed more than p_retention_days ago, with their session events, and tokens revoked that long ago. Bookings, assignments and booking status history are kept.
Returns how many rows of each it deleted. The app''s sweeper runs it hourly with RETENTION_DAYS. Errors: INVALID_INPUT (p_retention_days < 1).';
REVOKE ALL ON FUNCTION api.purge_history(integer) FROM PUBLIC;
