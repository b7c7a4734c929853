-- A whole assignment as a client makes it: hold, then confirm (two calls, two commits). Each
-- client works its own restaurant's last seating, so clients do not fight.
\set r :client_id + 1
\set t random(1, :tables)
SELECT id AS session_id FROM api.create_session_hold(bench.uuid(4, :r * 10 + 2), bench.uuid(3, :r * 10000 + 2 * :tables + :t), ARRAY[bench.uuid(2, :r * 1000 + :t)]) \gset
SELECT status FROM api.confirm_session(bench.uuid(4, :r * 10 + 2), :session_id);
