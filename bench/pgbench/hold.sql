-- One create_session_hold per transaction: a random host of a random restaurant holds a random
-- table for a random booking of the evening (most tables are taken: conflicts are normal).
\set r random(1, :restaurants)
\set b random(1, 3 * :tables)
\set t random(1, :tables)
\set s random(1, 4)
SELECT status FROM api.create_session_hold(bench.uuid(4, :r * 10 + :s), bench.uuid(3, :r * 10000 + :b), ARRAY[bench.uuid(2, :r * 1000 + :t)]);
