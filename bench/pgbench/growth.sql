-- Hold latency: a host holds a free table of the last seating (no conflicts), the same call
-- repeated refreshes the hold.
\set r random(1, :restaurants)
\set t random(1, :tables)
SELECT status FROM api.create_session_hold(bench.uuid(4, :r * 10 + 3), bench.uuid(3, :r * 10000 + 2 * :tables + :t), ARRAY[bench.uuid(2, :r * 1000 + :t)]);
