-- api.issue_staff_token: a new bearer token for a staff member, valid for p_ttl. Only its
-- SHA-256 hash is stored; the token is returned once. 244 random bits from two v4 UUIDs
-- (PostgreSQL's strong RNG).
CREATE OR REPLACE FUNCTION api.issue_staff_token(p_staff_id uuid, p_ttl interval DEFAULT interval '30 days')
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- writes seating.staff_tokens, which no caller role may touch directly
SET search_path = ''
AS $$
DECLARE
    v_token text;
BEGIN
    IF p_staff_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id is required.', jsonb_build_object('field', 'staffId'));
    END IF;
    IF p_ttl IS NULL OR p_ttl <= interval '0' OR p_ttl > interval '10 years' THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A token lives more than zero and at most ten years.',
            jsonb_build_object('field', 'ttl', 'given', p_ttl::text));
    END IF;
    IF NOT EXISTS (SELECT FROM seating.staff AS st WHERE st.id = p_staff_id) THEN
        PERFORM seating._raise_error('STAFF_NOT_FOUND', format('Staff member %s does not exist.', p_staff_id),
            jsonb_build_object('staffId', p_staff_id));
    END IF;
    v_token := 'sat_' || replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
    INSERT INTO seating.staff_tokens (staff_id, token_hash, expires_at)
    VALUES (p_staff_id, sha256(convert_to(v_token, 'UTF8')), now() + p_ttl);
    RETURN v_token;
END;
$$;

COMMENT ON FUNCTION api.issue_staff_token(uuid, interval) IS
'Issues a bearer token for a staff member, valid for p_ttl (default 30 days), and returns it (shown once; only its SHA-256 is stored). Not granted to the app role: operators issue tokens.
Errors: INVALID_INPUT (no staff id, a ttl not in (0, 10 years]), STAFF_NOT_FOUND.';
REVOKE ALL ON FUNCTION api.issue_staff_token(uuid, interval) FROM PUBLIC;
