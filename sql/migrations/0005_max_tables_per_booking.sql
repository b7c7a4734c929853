-- Automatic assignment (DESIGN §12): how many tables one booking may be given at most. The
-- suggestion search grows joined groups up to this size; the constraint engine itself has no
-- such limit (a host may join more by hand, up to a selection's 20 tables).
ALTER TABLE seating.restaurants
    ADD COLUMN max_tables_per_booking integer NOT NULL DEFAULT 3,
    -- The CHECK comes with the column, in one ALTER TABLE, so the rows it validates hold the
    -- column's default; seating.restaurants has one row per restaurant.
    -- squawk-ignore constraint-missing-not-valid
    ADD CONSTRAINT restaurants_max_tables_per_booking_range CHECK (max_tables_per_booking BETWEEN 1 AND 6);

COMMENT ON COLUMN seating.restaurants.max_tables_per_booking IS
    'Automatic assignment joins at most this many tables for one booking (1 to 6; default 3).';

-- The batch picks a restaurant's bookings by start time, the ranking looks at the bookings
-- still waiting around a booking's time, and the day view lists them by start time. yoyo runs
-- the file in a transaction, where CONCURRENTLY cannot run; the build blocks writes to bookings
-- while it runs, once, at upgrade time.
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX bookings_restaurant_start_idx ON seating.bookings (restaurant_id, start_at);
