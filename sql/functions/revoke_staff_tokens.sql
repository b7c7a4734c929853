-- api.revoke_staff_tokens: revoke every live (unrevoked, unexpired) token of a staff member
-- (lost device, left the job).
CREATE OR REPLACE FUNCTION api.revoke_staff_tokens(p_staff_id uuid)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- writes seating.staff_tokens, which no caller role may touch directly
SET search_path = ''
AS $$
DECLARE
    v_count integer;
BEGIN
    UPDATE seating.staff_tokens AS k SET revoked_at = now()
     WHERE k.staff_id = p_staff_id AND k.revoked_at IS NULL AND k.expires_at > now();
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION api.revoke_staff_tokens(uuid) IS
'Revokes all live tokens of a staff member and returns how many. Not granted to the app role.';
REVOKE ALL ON FUNCTION api.revoke_staff_tokens(uuid) FROM PUBLIC;
