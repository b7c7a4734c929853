-- seating._failure_reason: the audit trail's reason for a selection that failed: the failing
-- checks' ids. None fail when the EXCLUDE constraint refused a ledger row whose owner deleted it
-- before the re-evaluation read the ledger.
CREATE OR REPLACE FUNCTION seating._failure_reason(p_checks jsonb)
RETURNS text
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
BEGIN
    RETURN 'selection failed: ' || coalesce((SELECT string_agg(e ->> 'id', ', ')
                                               FROM jsonb_array_elements(p_checks) AS e
                                              WHERE e ->> 'severity' = 'error'),
                                             'the tables were taken by a concurrent change');
END;
$$;

COMMENT ON FUNCTION seating._failure_reason(jsonb) IS
    'The audit reason for a failed selection: "selection failed: " and the failing checks'' ids.';
REVOKE ALL ON FUNCTION seating._failure_reason(jsonb) FROM PUBLIC;
