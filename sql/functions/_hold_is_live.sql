-- seating._hold_is_live: the one definition of a live hold. Expiry is a fact of time: a hold
-- whose expiry has passed blocks nobody, whether or not the sweeper has run (DESIGN §5).
-- A plain SQL expression, so the planner inlines it into the queries that use it; for that it
-- cannot carry SET search_path, and so names its operator and function fully instead.
CREATE OR REPLACE FUNCTION seating._hold_is_live(p_expires_at timestamptz)
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
    SELECT p_expires_at OPERATOR(pg_catalog.>) pg_catalog.now()
$$;

COMMENT ON FUNCTION seating._hold_is_live(timestamptz) IS
    'True while a hold''s expiry is in the future; null expiry (no hold) is not live. Inlined into queries.';
REVOKE ALL ON FUNCTION seating._hold_is_live(timestamptz) FROM PUBLIC;
