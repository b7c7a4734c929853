-- seating._check: one entry of the constraint engine's output.
CREATE OR REPLACE FUNCTION seating._check(p_id text, p_severity text, p_message text, p_details jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
BEGIN
    RETURN jsonb_build_object('id', p_id, 'severity', p_severity, 'message', p_message,
                              'details', coalesce(p_details, '{}'::jsonb));
END;
$$;

COMMENT ON FUNCTION seating._check(text, text, text, jsonb) IS
    'Builds one check of the constraint engine: {id, severity (ok | warning | error), message, details}.';
REVOKE ALL ON FUNCTION seating._check(text, text, text, jsonb) FROM PUBLIC;
