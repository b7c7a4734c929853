-- api.get_session_counts: the sessions in each active state, for /metrics at scrape time. Reads
-- only active sessions (the partial indexes' rows), so its cost does not grow with history.
CREATE OR REPLACE FUNCTION api.get_session_counts()
RETURNS TABLE (status text, sessions bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
    SELECT k.status, count(s.status)
      FROM (VALUES ('PROPOSED'), ('HELD'), ('HELD_PAST_EXPIRY')) AS k (status)
      LEFT JOIN (SELECT CASE WHEN x.status = 'HELD' AND NOT seating._hold_is_live(x.hold_expires_at) THEN 'HELD_PAST_EXPIRY'
                             ELSE x.status END AS status
                   FROM seating.manual_assignment_sessions AS x
                  WHERE x.status IN ('PROPOSED', 'HELD')) AS s ON s.status = k.status
     GROUP BY k.status
     ORDER BY k.status;
$$;

COMMENT ON FUNCTION api.get_session_counts() IS
'Active sessions by state: PROPOSED, HELD (a live hold) and HELD_PAST_EXPIRY (expired, not yet tidied by the sweeper; reads already report them EXPIRED). Closed sessions are not counted (their number grows with history).';
REVOKE ALL ON FUNCTION api.get_session_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.get_session_counts() TO seating_app;
