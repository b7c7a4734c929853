-- Benchmark tooling (not part of the product): a synthetic chain of restaurants on one evening.
-- Ids are derived from small integers so pgbench scripts can name rows: bench.uuid(kind, n).
-- They are spread like the product's random (version 4) ids: btree_gist ranks a uuid by its
-- first 8 bytes, so ids that differ only at the end would make the EXCLUDE constraint's GiST
-- index degenerate in a way gen_random_uuid() never does.
CREATE SCHEMA IF NOT EXISTS bench;

CREATE OR REPLACE FUNCTION bench.uuid(p_kind integer, p_n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- Explicit casts keep every call immutable, so the planner inlines it (integer || text is only
-- stable); not inlined, each pgbench transaction would parse and plan it again per call.
AS $$ SELECT overlay(overlay(md5(p_kind::text || ':' || p_n::text) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid $$;

-- Restaurant r: uuid(1, r). Table t of r: uuid(2, r*1000 + t). Booking b of r: uuid(3, r*10000 + b).
-- Host s (1..4) of r: uuid(4, r*10 + s). Zone of r: uuid(5, r).
-- Three seatings per table (17:00, 19:15, 21:30, two hours each): booking b sits at table
-- ((b - 1) % tables) + 1 in seating (b - 1) / tables. Seatings 1 and 2 are already assigned
-- (a busy evening); the last seating is pending and free for holds.
CREATE OR REPLACE FUNCTION bench.build(p_restaurants integer, p_tables integer, p_evening date, p_busy boolean DEFAULT true)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO seating.restaurants (id, name, hold_ttl_seconds, max_hold_seconds)
    SELECT bench.uuid(1, r), 'Bench ' || r, 600, 900 FROM generate_series(1, p_restaurants) AS r;
    INSERT INTO seating.zones (id, restaurant_id, name)
    SELECT bench.uuid(5, r), bench.uuid(1, r), 'Main' FROM generate_series(1, p_restaurants) AS r;
    INSERT INTO seating.table_inventory (id, restaurant_id, zone_id, table_number, capacity, position_x, position_y)
    SELECT bench.uuid(2, r * 1000 + t), bench.uuid(1, r), bench.uuid(5, r), t::text, 4, t % 10, t / 10
      FROM generate_series(1, p_restaurants) AS r, generate_series(1, p_tables) AS t;
    INSERT INTO seating.table_adjacencies (restaurant_id, table_a, table_b)
    SELECT bench.uuid(1, r), bench.uuid(2, r * 1000 + t), bench.uuid(2, r * 1000 + t + 1)
      FROM generate_series(1, p_restaurants) AS r, generate_series(1, p_tables - 1) AS t;
    INSERT INTO seating.staff (id, display_name, email)
    SELECT bench.uuid(4, r * 10 + s), 'Host ' || r || '.' || s, 'host' || r || '.' || s || '@bench.example'
      FROM generate_series(1, p_restaurants) AS r, generate_series(1, 4) AS s;
    INSERT INTO seating.restaurant_memberships (staff_id, restaurant_id, role)
    SELECT bench.uuid(4, r * 10 + s), bench.uuid(1, r), 'host'
      FROM generate_series(1, p_restaurants) AS r, generate_series(1, 4) AS s;
    INSERT INTO seating.bookings (id, restaurant_id, party_size, start_at, end_at, status, guest_name)
    SELECT bench.uuid(3, r * 10000 + b), bench.uuid(1, r), 2 + b % 3,
           start_at, start_at + interval '2 hours',
           CASE WHEN p_busy AND (b - 1) / p_tables < 2 THEN 'confirmed' ELSE 'pending' END, 'Guest ' || b
      FROM generate_series(1, p_restaurants) AS r, generate_series(1, 3 * p_tables) AS b,
           LATERAL (SELECT (p_evening + time '17:00' + ((b - 1) / p_tables) * interval '135 minutes') AT TIME ZONE 'UTC' AS start_at) AS s;
    INSERT INTO seating.allocations (restaurant_id, table_id, booking_id, kind, during)
    SELECT b.restaurant_id, bench.uuid(2, r * 1000 + ((n - 1) % p_tables) + 1), b.id, 'assignment',
           tstzrange(b.start_at, b.end_at + interval '5 minutes')
      FROM generate_series(1, p_restaurants) AS r
     CROSS JOIN generate_series(1, 2 * p_tables) AS n
      JOIN seating.bookings AS b ON b.id = bench.uuid(3, r * 10000 + n)
     WHERE p_busy;
    INSERT INTO seating.booking_table_assignments (restaurant_id, booking_id, table_id, assigned_by)
    SELECT restaurant_id, booking_id, table_id, bench.uuid(4, 11) FROM seating.allocations;
    -- Each seated party was seated through a session: history with realistic statistics (plans
    -- made against empty session tables would read them sequentially as they fill).
    INSERT INTO seating.manual_assignment_sessions
           (restaurant_id, booking_id, created_by, status, proposed_tables, first_held_at, confirmed_at, last_validated_at)
    SELECT a.restaurant_id, a.booking_id, a.assigned_by, 'CONFIRMED', jsonb_build_array(a.table_id), now(), now(), now()
      FROM seating.booking_table_assignments AS a;
    INSERT INTO seating.session_events (restaurant_id, session_id, from_status, to_status, actor, reason)
    SELECT s.restaurant_id, s.id, e.from_status, e.to_status, s.created_by, e.reason
      FROM seating.manual_assignment_sessions AS s,
           (VALUES (NULL, 'HELD', 'selection held'), ('HELD', 'CONFIRMED', 'confirmed')) AS e (from_status, to_status, reason);
    -- Start from compact indexes, as after a restore: a GiST index filled row by row is loose.
    REINDEX TABLE seating.allocations;
    ANALYZE;
END;
$$;

-- Held sessions for the confirm benchmark: one per last-seating booking, on its own table, by
-- host 1, numbered so each pgbench transaction confirms a different one.
CREATE TABLE IF NOT EXISTS bench.held (n bigint PRIMARY KEY, staff_id uuid NOT NULL, session_id uuid NOT NULL);
CREATE SEQUENCE IF NOT EXISTS bench.held_seq;

CREATE OR REPLACE FUNCTION bench.prepare_holds(p_restaurants integer, p_tables integer, p_count integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_n integer := 0;
    v_r integer;
    v_t integer;
BEGIN
    TRUNCATE bench.held;
    PERFORM setval('bench.held_seq', 1, false);
    -- Reopen the last seating: no tables, pending, nobody working on it.
    DELETE FROM seating.allocations a USING seating.bookings b
     WHERE a.booking_id = b.id AND b.restaurant_id = a.restaurant_id AND b.status = 'confirmed'
       AND b.start_at::time = time '21:30';
    DELETE FROM seating.booking_table_assignments a USING seating.bookings b
     WHERE a.booking_id = b.id AND b.restaurant_id = a.restaurant_id AND b.start_at::time = time '21:30';
    DELETE FROM seating.manual_assignment_sessions s USING seating.bookings b
     WHERE s.booking_id = b.id AND b.restaurant_id = s.restaurant_id AND b.start_at::time = time '21:30';
    UPDATE seating.bookings SET status = 'pending' WHERE start_at::time = time '21:30' AND status <> 'pending';
    FOR v_r IN 1 .. p_restaurants LOOP
        FOR v_t IN 1 .. p_tables LOOP
            EXIT WHEN v_n >= p_count;
            v_n := v_n + 1;
            INSERT INTO bench.held
            SELECT v_n, bench.uuid(4, v_r * 10 + 1), s.id
              FROM api.create_session_hold(bench.uuid(4, v_r * 10 + 1), bench.uuid(3, v_r * 10000 + 2 * p_tables + v_t),
                                           ARRAY[bench.uuid(2, v_r * 1000 + v_t)]) AS s;
        END LOOP;
    END LOOP;
    RETURN v_n;
END;
$$;

-- Growth: history rows in the ledger (maintenance blocks on earlier days), p_rows in all.
CREATE OR REPLACE FUNCTION bench.grow_ledger(p_restaurants integer, p_tables integer, p_evening date, p_rows integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_have integer := (SELECT count(*) FROM seating.allocations WHERE kind = 'maintenance');
BEGIN
    INSERT INTO seating.allocations (restaurant_id, table_id, kind, during, note)
    SELECT bench.uuid(1, r), bench.uuid(2, r * 1000 + t), 'maintenance',
           tstzrange((p_evening - d) + time '10:00', (p_evening - d) + time '11:00'), 'history'
      FROM generate_series(v_have, p_rows - 1) AS i,
           LATERAL (SELECT i / (p_restaurants * p_tables) + 1 AS d,
                           (i % (p_restaurants * p_tables)) / p_tables + 1 AS r,
                           i % p_tables + 1 AS t) AS k;
    ANALYZE seating.allocations;
END;
$$;

-- Contention: one window, p_tables tables every two of which are adjacent, p_clients hosts
-- each with their own booking for that window. Restaurant uuid(1, 0); its tables uuid(8, t),
-- hosts uuid(6, c) and bookings uuid(7, c).
CREATE OR REPLACE FUNCTION bench.build_arena(p_clients integer, p_tables integer, p_evening date)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO seating.restaurants (id, name, hold_ttl_seconds, max_hold_seconds, slack_budget, adjacency_mode)
    VALUES (bench.uuid(1, 0), 'Arena', 600, 900, NULL, 'pairwise');
    INSERT INTO seating.zones (id, restaurant_id, name) VALUES (bench.uuid(5, 0), bench.uuid(1, 0), 'Main');
    INSERT INTO seating.table_inventory (id, restaurant_id, zone_id, table_number, capacity)
    SELECT bench.uuid(8, t), bench.uuid(1, 0), bench.uuid(5, 0), 'A' || t, 4 FROM generate_series(1, p_tables) AS t;
    INSERT INTO seating.table_adjacencies (restaurant_id, table_a, table_b)
    SELECT bench.uuid(1, 0), bench.uuid(8, a), bench.uuid(8, b)
      FROM generate_series(1, p_tables) AS a, generate_series(1, p_tables) AS b WHERE a < b;
    INSERT INTO seating.staff (id, display_name, email)
    SELECT bench.uuid(6, c), 'Arena host ' || c, 'arena' || c || '@bench.example' FROM generate_series(1, p_clients) AS c;
    INSERT INTO seating.restaurant_memberships (staff_id, restaurant_id, role)
    SELECT bench.uuid(6, c), bench.uuid(1, 0), 'host' FROM generate_series(1, p_clients) AS c;
    INSERT INTO seating.bookings (id, restaurant_id, party_size, start_at, end_at, guest_name)
    SELECT bench.uuid(7, c), bench.uuid(1, 0), 2, (p_evening + time '20:00') AT TIME ZONE 'UTC',
           (p_evening + time '22:00') AT TIME ZONE 'UTC', 'Arena guest ' || c
      FROM generate_series(1, p_clients) AS c;
END;
$$;
