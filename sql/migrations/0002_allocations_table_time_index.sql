-- What blocks a table in a window is looked up per table: this btree index finds a table's
-- ledger rows that end after the window starts, so neither other tables' rows nor the table's
-- history are read (the EXCLUDE constraint's GiST index matched only restaurant and time).
CREATE INDEX allocations_table_time_idx ON seating.allocations (restaurant_id, table_id, upper(during));
