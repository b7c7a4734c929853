-- seating._lock_tables: lock tables' inventory rows in id order. The table row is the mutex for
-- that table's part of the ledger: whoever deletes or inserts allocations on a table holds it
-- (an allocation insert by anyone else waits on it through the foreign key), and taking the
-- locks sorted by id means two callers never wait on each other in a cycle.
CREATE OR REPLACE FUNCTION seating._lock_tables(p_restaurant_id uuid, p_table_ids uuid[])
RETURNS void
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
AS $$
BEGIN
    PERFORM 1
       FROM (SELECT t.id
               FROM seating.table_inventory AS t
              WHERE t.restaurant_id = p_restaurant_id AND t.id = ANY (p_table_ids)
              ORDER BY t.id
                FOR UPDATE) AS locked;
END;
$$;

COMMENT ON FUNCTION seating._lock_tables(uuid, uuid[]) IS
    'Locks the given tables of one restaurant FOR UPDATE in id order (the fixed lock order that prevents deadlocks).';
REVOKE ALL ON FUNCTION seating._lock_tables(uuid, uuid[]) FROM PUBLIC;
