-- api.authenticate_staff: the staff member a bearer token belongs to, from the token's SHA-256.
-- The app hashes the token itself, so the token never reaches the server (nor its logs), and
-- calls this inside the same statement as the action, e.g.
-- api.get_session(api.authenticate_staff($1), $2).
CREATE OR REPLACE FUNCTION api.authenticate_staff(p_token_hash bytea)
RETURNS uuid
LANGUAGE plpgsql
STABLE
SECURITY DEFINER -- reads seating.staff_tokens, which the app role may not read directly
SET search_path = ''
AS $$
DECLARE
    v_staff_id uuid;
BEGIN
    SELECT k.staff_id INTO v_staff_id
      FROM seating.staff_tokens AS k
     WHERE k.token_hash = p_token_hash AND k.revoked_at IS NULL AND k.expires_at > now();
    IF v_staff_id IS NULL THEN
        PERFORM seating._raise_error('UNAUTHENTICATED', 'The bearer token is missing, unknown, expired or revoked.');
    END IF;
    RETURN v_staff_id;
END;
$$;

COMMENT ON FUNCTION api.authenticate_staff(bytea) IS
'Returns the staff id of a valid bearer token, given the SHA-256 of the token (sha256(convert_to(token, ''UTF8'')) in psql).
Errors: UNAUTHENTICATED (missing, unknown, expired or revoked token).';
REVOKE ALL ON FUNCTION api.authenticate_staff(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.authenticate_staff(bytea) TO seating_app;
