-- seating._selection_ids: validate a requested selection and de-duplicate it, keeping the
-- order in which the tables were first named.
CREATE OR REPLACE FUNCTION seating._selection_ids(p_table_ids uuid[])
RETURNS uuid[]
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
DECLARE
    v_ids uuid[] := ARRAY[]::uuid[];
    v_id uuid;
BEGIN
    IF p_table_ids IS NULL OR cardinality(p_table_ids) = 0 THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'Select at least one table.',
            jsonb_build_object('field', 'tableIds'));
    END IF;
    IF cardinality(p_table_ids) > 20 THEN
        PERFORM seating._raise_error('INVALID_INPUT',
            format('A selection has at most 20 tables; %s were given.', cardinality(p_table_ids)),
            jsonb_build_object('field', 'tableIds', 'max', 20, 'given', cardinality(p_table_ids)));
    END IF;
    IF array_position(p_table_ids, NULL) IS NOT NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'Table ids must not be null.',
            jsonb_build_object('field', 'tableIds'));
    END IF;

    -- A loop of plain expressions: at most 20 ids, and no query to start on every hold.
    FOREACH v_id IN ARRAY p_table_ids LOOP
        IF NOT v_id = ANY (v_ids) THEN
            v_ids := v_ids || v_id;
        END IF;
    END LOOP;
    RETURN v_ids;
END;
$$;

COMMENT ON FUNCTION seating._selection_ids(uuid[]) IS
    'Checks that a selection has 1 to 20 non-null table ids (INVALID_INPUT otherwise) and returns them de-duplicated in first-named order.';
REVOKE ALL ON FUNCTION seating._selection_ids(uuid[]) FROM PUBLIC;
