-- seating._raise_error: raise one of the documented application errors (docs/errors.md).
-- MESSAGE is for people, DETAIL is JSON with the machine code and its context, HINT the remedy.
CREATE OR REPLACE FUNCTION seating._raise_error(p_code text, p_message text, p_details jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
DECLARE
    v_sqlstate text;
    v_hint text;
BEGIN
    SELECT e.sqlstate, e.hint INTO v_sqlstate, v_hint
      FROM (VALUES
        ('INVALID_INPUT',     'SA001', 'Correct the request and send it again.'),
        ('UNAUTHENTICATED',   'SA002', 'Send a valid bearer token issued by api.issue_staff_token.'),
        ('FORBIDDEN',         'SA003', 'Ask a manager of the restaurant for the needed role.'),
        ('BOOKING_NOT_FOUND', 'SA004', 'Check the booking id.'),
        ('SESSION_NOT_FOUND', 'SA005', 'Check the session id; start a new session with create_session_hold.'),
        ('STAFF_NOT_FOUND',   'SA006', 'Check the staff id or email.'),
        ('HOLD_EXPIRED',      'SA007', 'Hold the tables again with create_session_hold, then confirm.'),
        ('SESSION_NOT_HELD',  'SA008', 'Pick tables that pass every check with create_session_hold, then confirm.'),
        ('SESSION_CLOSED',    'SA009', 'The session is finished; start a new one with create_session_hold.'),
        ('VALIDATION_FAILED', 'SA010', 'Read details.checks, pick other tables and hold again.'),
        ('UNKNOWN_TABLES',    'SA011', 'Use table ids of the booking''s restaurant.'),
        ('BUFFER_CONFLICT',   'SA012', 'Move or reassign the bookings named in details.conflicts, then change the buffer again.'),
        ('TABLE_IN_USE',      'SA013', 'Set active = false to take the table out of service; delete it once its holds and assignments are over.'),
        ('NO_FIT',            'SA014', 'Read details.reason: free a table, allow more empty seats or tables, or seat the party by hand.'),
        ('STALE_CONTEXT',     'SA015', 'Read the context again (details.contextVersion is the current version), then retry.')
      ) AS e (code, sqlstate, hint)
     WHERE e.code = p_code;

    IF v_sqlstate IS NULL THEN
        RAISE EXCEPTION 'seating._raise_error: unknown error code %', p_code;
    END IF;

    RAISE EXCEPTION USING
        ERRCODE = v_sqlstate,
        MESSAGE = p_message,
        DETAIL = (jsonb_build_object('code', p_code, 'details', coalesce(p_details, '{}')))::text,
        HINT = v_hint;
END;
$$;

COMMENT ON FUNCTION seating._raise_error(text, text, jsonb) IS
    'Raises a documented application error: SQLSTATE from the code, DETAIL = {"code", "details"} as JSON, HINT = the remedy.';
REVOKE ALL ON FUNCTION seating._raise_error(text, text, jsonb) FROM PUBLIC;
