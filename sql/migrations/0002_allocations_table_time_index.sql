-- What blocks a table in a window is looked up per table: this btree index finds a table's
-- ledger rows that end after the window starts, so neither other tables' rows nor the table's
-- history are read. (The GiST index of the EXCLUDE constraint can answer the same question,
-- but on uuid columns btree_gist's keys overlap so much that it reads many pages to do so.)
-- Table ids are unique across restaurants, so restaurant_id need not lead; the lookup checks it.
CREATE INDEX allocations_table_time_idx ON seating.allocations (table_id, upper(during));

-- Holds come and go all evening; the hold path clears expired ones from the tables it takes.
CREATE INDEX allocations_table_holds_idx ON seating.allocations (table_id) WHERE kind = 'hold';
