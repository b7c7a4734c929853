-- api.run_sweeper: one tick of the app's in-process sweeper. Every app worker calls it on its own
-- timer; an advisory lock lets one run at a time, and the last run times (seating.sweeper_runs)
-- make the work happen about once per interval between all of them.
CREATE OR REPLACE FUNCTION api.run_sweeper(p_interval_seconds integer DEFAULT 30, p_retention_days integer DEFAULT 90)
RETURNS TABLE (ran boolean, expired integer, purged_sessions bigint, purged_session_events bigint,
               purged_staff_tokens bigint)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- the app role has no table privileges: the api functions are its only door
SET search_path = ''
AS $$
DECLARE
    v_due boolean;
BEGIN
    ran := false;
    expired := 0;
    purged_sessions := 0;
    purged_session_events := 0;
    purged_staff_tokens := 0;
    IF NOT pg_try_advisory_xact_lock(hashtext('seating.sweeper')) THEN
        RETURN NEXT;  -- another worker is sweeping right now
        RETURN;
    END IF;

    -- Due when the last run is at least nine tenths of an interval old: the workers' timers drift.
    INSERT INTO seating.sweeper_runs AS r (task, last_run_at) VALUES ('expire_sessions', now())
    ON CONFLICT (task) DO UPDATE SET last_run_at = now()
     WHERE r.last_run_at <= now() - make_interval(secs => 0.9 * greatest(p_interval_seconds, 1))
    RETURNING true INTO v_due;
    IF v_due THEN
        ran := true;
        expired := api.expire_sessions();
    END IF;

    IF p_retention_days IS NOT NULL THEN
        v_due := NULL;
        INSERT INTO seating.sweeper_runs AS r (task, last_run_at) VALUES ('purge_history', now())
        ON CONFLICT (task) DO UPDATE SET last_run_at = now()
         WHERE r.last_run_at <= now() - interval '1 hour'
        RETURNING true INTO v_due;
        IF v_due THEN
            ran := true;
            SELECT p.sessions, p.session_events, p.staff_tokens
              INTO purged_sessions, purged_session_events, purged_staff_tokens
              FROM api.purge_history(p_retention_days) AS p;
        END IF;
    END IF;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.run_sweeper(integer, integer) IS
'One tick of the in-app sweeper: unless another caller holds the sweeper lock or the last run is under p_interval_seconds old, runs api.expire_sessions(); at most hourly, api.purge_history(p_retention_days) (null: no purge).
ran is false when there was nothing due. Safe to call from every app worker at once.';
REVOKE ALL ON FUNCTION api.run_sweeper(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.run_sweeper(integer, integer) TO seating_app;
