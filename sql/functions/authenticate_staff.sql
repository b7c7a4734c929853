-- api.authenticate_staff: the staff member a bearer token belongs to. The app calls it inside
-- the same statement as the action, e.g. api.get_session(api.authenticate_staff($1), $2).
CREATE OR REPLACE FUNCTION api.authenticate_staff(p_token text)
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
     WHERE k.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8')) AND k.revoked_at IS NULL;
    IF v_staff_id IS NULL THEN
        PERFORM seating._raise_error('UNAUTHENTICATED', 'The bearer token is missing, unknown or revoked.');
    END IF;
    RETURN v_staff_id;
END;
$$;

COMMENT ON FUNCTION api.authenticate_staff(text) IS
'Returns the staff id of a valid bearer token. Errors: UNAUTHENTICATED (missing, unknown or revoked token).';
REVOKE ALL ON FUNCTION api.authenticate_staff(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.authenticate_staff(text) TO seating_app;
