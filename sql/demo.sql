-- The demo restaurant that `make run` loads on first use: two zones, a dozen placed tables with
-- adjacency, staff of every role and an evening of bookings (today, in the restaurant's time
-- zone), two of them already seated through the real hold + confirm path.
INSERT INTO seating.restaurants (id, name, timezone)
VALUES ('d0000000-0000-4000-8000-000000000001', 'Trattoria Demo', 'Europe/Rome');

INSERT INTO seating.zones (id, restaurant_id, name) VALUES
    ('d0000000-0000-4000-8000-0000000000a1', 'd0000000-0000-4000-8000-000000000001', 'Main room'),
    ('d0000000-0000-4000-8000-0000000000a2', 'd0000000-0000-4000-8000-000000000001', 'Terrace');

INSERT INTO seating.table_inventory (id, restaurant_id, zone_id, table_number, capacity, min_party_size, max_party_size, mobility, position_x, position_y)
SELECT ('d0000000-0000-4000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid, 'd0000000-0000-4000-8000-000000000001',
       zone::uuid, n::text, capacity, min_party, max_party, mobility, x, y
  FROM (VALUES
    (1, 'd0000000-0000-4000-8000-0000000000a1', 2, 1, 2, 'movable', 0, 0),
    (2, 'd0000000-0000-4000-8000-0000000000a1', 2, 1, 2, 'movable', 1, 0),
    (3, 'd0000000-0000-4000-8000-0000000000a1', 2, 1, 2, 'movable', 2, 0),
    (4, 'd0000000-0000-4000-8000-0000000000a1', 4, 2, 4, 'movable', 0, 1),
    (5, 'd0000000-0000-4000-8000-0000000000a1', 4, 2, 4, 'movable', 1, 1),
    (6, 'd0000000-0000-4000-8000-0000000000a1', 4, 2, 4, 'movable', 2, 1),
    (7, 'd0000000-0000-4000-8000-0000000000a1', 6, 4, 6, 'fixed', 0, 2),
    (8, 'd0000000-0000-4000-8000-0000000000a1', 8, 5, 8, 'fixed', 2, 2),
    (9, 'd0000000-0000-4000-8000-0000000000a2', 2, 1, 2, 'movable', 5, 0),
    (10, 'd0000000-0000-4000-8000-0000000000a2', 2, 1, 2, 'movable', 6, 0),
    (11, 'd0000000-0000-4000-8000-0000000000a2', 4, 2, 4, 'movable', 5, 1),
    (12, 'd0000000-0000-4000-8000-0000000000a2', 4, 2, 4, 'movable', 6, 1)
  ) AS t (n, zone, capacity, min_party, max_party, mobility, x, y);

INSERT INTO seating.table_adjacencies (restaurant_id, table_a, table_b)
SELECT 'd0000000-0000-4000-8000-000000000001',
       ('d0000000-0000-4000-8000-0000000001' || lpad(a::text, 2, '0'))::uuid,
       ('d0000000-0000-4000-8000-0000000001' || lpad(b::text, 2, '0'))::uuid
  FROM (VALUES (1, 2), (2, 3), (4, 5), (5, 6), (1, 4), (2, 5), (3, 6), (9, 10), (11, 12), (9, 11), (10, 12)) AS p (a, b);

INSERT INTO seating.staff (id, display_name, email) VALUES
    ('d0000000-0000-4000-8000-0000000002a1', 'Olivia Owner', 'olivia@trattoria.example'),
    ('d0000000-0000-4000-8000-0000000002a2', 'Marco Manager', 'marco@trattoria.example'),
    ('d0000000-0000-4000-8000-0000000002a3', 'Hana Host', 'hana@trattoria.example'),
    ('d0000000-0000-4000-8000-0000000002a4', 'Hugo Host', 'hugo@trattoria.example'),
    ('d0000000-0000-4000-8000-0000000002a5', 'Sara Server', 'sara@trattoria.example');
INSERT INTO seating.restaurant_memberships (staff_id, restaurant_id, role) VALUES
    ('d0000000-0000-4000-8000-0000000002a1', 'd0000000-0000-4000-8000-000000000001', 'owner'),
    ('d0000000-0000-4000-8000-0000000002a2', 'd0000000-0000-4000-8000-000000000001', 'manager'),
    ('d0000000-0000-4000-8000-0000000002a3', 'd0000000-0000-4000-8000-000000000001', 'host'),
    ('d0000000-0000-4000-8000-0000000002a4', 'd0000000-0000-4000-8000-000000000001', 'host'),
    ('d0000000-0000-4000-8000-0000000002a5', 'd0000000-0000-4000-8000-000000000001', 'server');

INSERT INTO seating.bookings (id, restaurant_id, party_size, start_at, end_at, status, guest_name)
SELECT ('d0000000-0000-4000-8000-0000000003' || lpad(n::text, 2, '0'))::uuid, 'd0000000-0000-4000-8000-000000000001',
       party, start_local AT TIME ZONE 'Europe/Rome', (start_local + minutes * interval '1 minute') AT TIME ZONE 'Europe/Rome',
       status, guest
  FROM (VALUES
    (1, 2, '18:00', 90, 'confirmed', 'Ada Lovelace'),
    (2, 4, '18:30', 120, 'pending', 'Alan Turing'),
    (3, 6, '19:00', 120, 'pending', 'Grace Hopper'),
    (4, 2, '19:00', 90, 'pending_allocation', 'Edsger Dijkstra'),
    (5, 3, '19:15', 105, 'pending', 'Barbara Liskov'),
    (6, 8, '19:30', 150, 'pending', 'Donald Knuth'),
    (7, 2, '19:30', 90, 'pending', 'Margaret Hamilton'),
    (8, 4, '20:00', 120, 'confirmed', 'Dennis Ritchie'),
    (9, 5, '20:00', 120, 'pending', 'Frances Allen'),
    (10, 2, '20:15', 90, 'pending', 'Ken Thompson'),
    (11, 4, '20:30', 120, 'pending', 'Radia Perlman'),
    (12, 2, '21:00', 90, 'pending', 'John McCarthy'),
    (13, 6, '21:00', 120, 'pending', 'Katherine Johnson'),
    (14, 2, '21:30', 90, 'pending', 'Leslie Lamport')
  ) AS b (n, party, at, minutes, status, guest)
 CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE 'Europe/Rome')::date + at::time AS start_local) AS s;

-- Two parties already seated, the way staff seat them.
SELECT status FROM api.confirm_session('d0000000-0000-4000-8000-0000000002a2',
    (SELECT id FROM api.create_session_hold('d0000000-0000-4000-8000-0000000002a2', 'd0000000-0000-4000-8000-000000000301',
        ARRAY['d0000000-0000-4000-8000-000000000101']::uuid[])));
SELECT status FROM api.confirm_session('d0000000-0000-4000-8000-0000000002a2',
    (SELECT id FROM api.create_session_hold('d0000000-0000-4000-8000-0000000002a2', 'd0000000-0000-4000-8000-000000000308',
        ARRAY['d0000000-0000-4000-8000-000000000111']::uuid[])));
