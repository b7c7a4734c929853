-- seating._table_ids: a session's proposed_tables (a JSON array of ids) as uuid[].
CREATE OR REPLACE FUNCTION seating._table_ids(p_tables jsonb)
RETURNS uuid[]
LANGUAGE plpgsql
IMMUTABLE
SET search_path = ''
AS $$
BEGIN
    RETURN ARRAY(SELECT e.value::uuid FROM jsonb_array_elements_text(p_tables) WITH ORDINALITY AS e (value, ord)
                  ORDER BY e.ord);
END;
$$;

COMMENT ON FUNCTION seating._table_ids(jsonb) IS 'Converts a JSON array of table ids to uuid[], keeping the order.';
REVOKE ALL ON FUNCTION seating._table_ids(jsonb) FROM PUBLIC;
