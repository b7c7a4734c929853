-- seating._session_json: a session as the HTTP API shows it, nested in other JSON (the
-- assignment context). Derived from api.session_state, the one definition of a session's fields:
-- every field but `created` (a fact about the call, not the session), its name in camelCase.
CREATE OR REPLACE FUNCTION seating._session_json(p_state api.session_state)
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
BEGIN
    IF p_state.id IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT jsonb_object_agg(
                       -- hold_expires_at -> holdExpiresAt, as msgspec's rename="camel" does
                       lower(left(f.key, 1)) || substr(replace(initcap(replace(f.key, '_', ' ')), ' ', ''), 2),
                       f.value)
              FROM jsonb_each(to_jsonb(p_state) - 'created') AS f);
END;
$$;

COMMENT ON FUNCTION seating._session_json(api.session_state) IS
    'A session state as camelCase JSON: every field of api.session_state but created (null for no session).';
REVOKE ALL ON FUNCTION seating._session_json(api.session_state) FROM PUBLIC;
