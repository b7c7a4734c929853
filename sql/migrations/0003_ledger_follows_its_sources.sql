-- Integrity (DESIGN §9): the ledger's copies follow their sources, history is kept, times are
-- finite. The triggers that do the following live in sql/functions/ (re-applied on migrate).
--
-- Upgrading: ADD CONSTRAINT validates existing rows. A database holding a booking or ledger row
-- with an infinite time refuses this migration; fix those rows (give them real times) first.

-- Times are finite: 'infinity' would block a table forever and cannot be rendered.
ALTER TABLE seating.bookings
    ADD CONSTRAINT bookings_times_finite CHECK (isfinite(start_at) AND isfinite(end_at));
ALTER TABLE seating.allocations
    ADD CONSTRAINT allocations_during_finite CHECK (isfinite(lower(during)) AND isfinite(upper(during)));

-- The confirmed record keeps its history: a replaced, lost or closed assignment is released
-- (released_at, release_reason), never deleted. Current rows are those with released_at null.
ALTER TABLE seating.booking_table_assignments
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY,
    ADD COLUMN released_at timestamptz,
    ADD COLUMN released_by uuid REFERENCES seating.staff (id),
    ADD COLUMN release_reason text,
    -- the table's number, kept when the table is deleted (history outlives the table)
    ADD COLUMN table_number text;
ALTER TABLE seating.booking_table_assignments DROP CONSTRAINT booking_table_assignments_pkey;
ALTER TABLE seating.booking_table_assignments ADD PRIMARY KEY (restaurant_id, id);
ALTER TABLE seating.booking_table_assignments DROP CONSTRAINT booking_table_assignments_table_fkey;
ALTER TABLE seating.booking_table_assignments
    ADD CONSTRAINT booking_table_assignments_release_has_reason CHECK ((released_at IS NULL) = (release_reason IS NULL));
CREATE UNIQUE INDEX booking_table_assignments_current_key
    ON seating.booking_table_assignments (restaurant_id, booking_id, table_id) WHERE released_at IS NULL;
CREATE INDEX booking_table_assignments_table_idx ON seating.booking_table_assignments (restaurant_id, table_id);

COMMENT ON COLUMN seating.booking_table_assignments.released_at IS
    'Null while the row is part of the booking''s current assignment; set when it was replaced, lost to a move, closed or its table deleted.';

-- What one invariant violation looks like (api.check_integrity).
CREATE TYPE api.integrity_violation AS (
    invariant text,
    restaurant_id uuid,
    details jsonb
);
COMMENT ON TYPE api.integrity_violation IS
    'One broken invariant found by api.check_integrity: its name, the restaurant, and the rows involved.';
