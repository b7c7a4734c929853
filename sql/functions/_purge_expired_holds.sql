-- seating._purge_expired_holds (trigger): before any ledger row is written, expired hold rows
-- that overlap it on its table are deleted, so an expired hold never blocks anyone — an api
-- function or a DBA's plain INSERT of a maintenance block alike. (An EXCLUDE predicate cannot
-- mention now(), so expired rows stay until someone removes them.)
CREATE OR REPLACE FUNCTION seating._purge_expired_holds()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
SET enable_seqscan = off -- one table's hold rows, by allocations_table_holds_idx
AS $$
BEGIN
    -- No join on hold_id: a join would let the planner prefer allocations_hold_idx (every hold
    -- row of the chain) over allocations_table_holds_idx (this table's holds).
    DELETE FROM seating.allocations AS a
     WHERE a.table_id = NEW.table_id
       AND a.kind = 'hold'
       AND (a.restaurant_id = NEW.restaurant_id) IS TRUE  -- see seating._blockers
       AND (a.during && NEW.during) IS TRUE
       AND a.id <> NEW.id
       AND NOT seating._hold_row_is_live(a.restaurant_id, a.hold_id);
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION seating._purge_expired_holds() IS
    'Trigger: deletes expired hold rows that overlap the ledger row about to be written on its table.';
REVOKE ALL ON FUNCTION seating._purge_expired_holds() FROM PUBLIC;

CREATE OR REPLACE TRIGGER allocations_purge_expired_holds
    BEFORE INSERT OR UPDATE OF table_id, during ON seating.allocations
    FOR EACH ROW
    EXECUTE FUNCTION seating._purge_expired_holds();
