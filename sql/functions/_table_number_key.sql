-- seating._table_number_key: the sort key that puts table numbers in natural order (2 before 10,
-- "T2" before "T10"): the number the name carries, names without digits last (then by name).
-- A plain SQL expression, inlined; see seating._hold_is_live for why it names everything fully.
CREATE OR REPLACE FUNCTION seating._table_number_key(p_table_number text)
RETURNS numeric
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT CASE WHEN pg_catalog.regexp_replace(p_table_number, '\D', '', 'g') OPERATOR(pg_catalog.=) ''
                THEN NULL
                ELSE pg_catalog.regexp_replace(p_table_number, '\D', '', 'g')::pg_catalog.numeric END
$$;

COMMENT ON FUNCTION seating._table_number_key(text) IS
    'Natural order of table numbers: ORDER BY seating._table_number_key(n) NULLS LAST, n. Inlined into queries.';
REVOKE ALL ON FUNCTION seating._table_number_key(text) FROM PUBLIC;
