-- The seating model: restaurants, their floor plan, staff, bookings, the occupancy ledger and the
-- manual assignment sessions, with the constraints that make bad data impossible.
--
-- Every restaurant-owned table carries restaurant_id, and every primary key, unique and exclusion
-- constraint on it includes restaurant_id, so the schema can be distributed by restaurant (Citus)
-- without a redesign. staff and staff_tokens are global reference tables.

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

CREATE SCHEMA seating;
CREATE SCHEMA api;

COMMENT ON SCHEMA seating IS 'Private tables of the table-assignment service; read and written only through the api functions.';
COMMENT ON SCHEMA api IS 'The public interface: functions the HTTP app and DBAs call.';

-- The role the HTTP app runs as. It may execute the api functions and nothing else.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'seating_app') THEN
        CREATE ROLE seating_app NOLOGIN;
    END IF;
END
$$;

REVOKE ALL ON SCHEMA seating FROM PUBLIC;
REVOKE ALL ON SCHEMA api FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO seating_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA api REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA seating REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE TABLE seating.restaurants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    timezone text NOT NULL DEFAULT 'UTC',
    hold_ttl_seconds integer NOT NULL DEFAULT 180,
    max_hold_seconds integer NOT NULL DEFAULT 900,
    turnover_buffer_minutes integer NOT NULL DEFAULT 5,
    slack_budget integer DEFAULT 4,
    adjacency_mode text NOT NULL DEFAULT 'connected',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT restaurants_name_present CHECK (btrim(name) <> ''),
    -- Raises "time zone not recognized" for anything that is not an IANA name PostgreSQL knows.
    CONSTRAINT restaurants_timezone_valid CHECK ((timestamp '2000-01-01' AT TIME ZONE timezone) IS NOT NULL),
    CONSTRAINT restaurants_hold_ttl_range CHECK (hold_ttl_seconds BETWEEN 30 AND 600),
    CONSTRAINT restaurants_max_hold_covers_ttl CHECK (max_hold_seconds >= hold_ttl_seconds),
    CONSTRAINT restaurants_turnover_buffer_nonnegative CHECK (turnover_buffer_minutes >= 0),
    CONSTRAINT restaurants_slack_budget_nonnegative CHECK (slack_budget >= 0),
    CONSTRAINT restaurants_adjacency_mode_known CHECK (adjacency_mode IN ('connected', 'pairwise', 'hub'))
);

CREATE TABLE seating.zones (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    restaurant_id uuid NOT NULL REFERENCES seating.restaurants (id) ON DELETE CASCADE,
    name text NOT NULL,
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT zones_name_key UNIQUE (restaurant_id, name),
    CONSTRAINT zones_name_present CHECK (btrim(name) <> '')
);

CREATE TABLE seating.table_inventory (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    restaurant_id uuid NOT NULL REFERENCES seating.restaurants (id) ON DELETE CASCADE,
    zone_id uuid NOT NULL,
    table_number text NOT NULL,
    capacity integer NOT NULL,
    min_party_size integer NOT NULL DEFAULT 1,
    max_party_size integer,
    mobility text NOT NULL DEFAULT 'movable',
    active boolean NOT NULL DEFAULT true,
    position_x numeric,
    position_y numeric,
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT table_inventory_table_number_key UNIQUE (restaurant_id, table_number),
    CONSTRAINT table_inventory_zone_fkey FOREIGN KEY (restaurant_id, zone_id)
        REFERENCES seating.zones (restaurant_id, id) ON DELETE CASCADE,
    CONSTRAINT table_inventory_table_number_present CHECK (btrim(table_number) <> ''),
    CONSTRAINT table_inventory_capacity_positive CHECK (capacity > 0),
    CONSTRAINT table_inventory_min_party_positive CHECK (min_party_size >= 1),
    CONSTRAINT table_inventory_party_limits_ordered CHECK (max_party_size >= min_party_size),
    CONSTRAINT table_inventory_mobility_known CHECK (mobility IN ('movable', 'fixed')),
    CONSTRAINT table_inventory_position_complete CHECK ((position_x IS NULL) = (position_y IS NULL))
);

-- Undirected: one row (a, b) means a and b are adjacent both ways; (b, a) would be a duplicate.
CREATE TABLE seating.table_adjacencies (
    restaurant_id uuid NOT NULL,
    table_a uuid NOT NULL,
    table_b uuid NOT NULL,
    CONSTRAINT table_adjacencies_table_a_fkey FOREIGN KEY (restaurant_id, table_a)
        REFERENCES seating.table_inventory (restaurant_id, id) ON DELETE CASCADE,
    CONSTRAINT table_adjacencies_table_b_fkey FOREIGN KEY (restaurant_id, table_b)
        REFERENCES seating.table_inventory (restaurant_id, id) ON DELETE CASCADE,
    CONSTRAINT table_adjacencies_distinct_tables CHECK (table_a <> table_b)
);
CREATE UNIQUE INDEX table_adjacencies_pair_key
    ON seating.table_adjacencies (restaurant_id, least(table_a, table_b), greatest(table_a, table_b));
CREATE INDEX table_adjacencies_table_b_idx ON seating.table_adjacencies (restaurant_id, table_b);

CREATE TABLE seating.staff (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    display_name text NOT NULL,
    email text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT staff_display_name_present CHECK (btrim(display_name) <> ''),
    CONSTRAINT staff_email_shape CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$')
);
CREATE UNIQUE INDEX staff_email_key ON seating.staff (lower(email));

-- Bearer tokens: only a SHA-256 hash is stored; the token itself is shown once, at issue.
CREATE TABLE seating.staff_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    staff_id uuid NOT NULL REFERENCES seating.staff (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CONSTRAINT staff_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX staff_tokens_staff_id_idx ON seating.staff_tokens (staff_id);

CREATE TABLE seating.restaurant_memberships (
    staff_id uuid NOT NULL REFERENCES seating.staff (id) ON DELETE CASCADE,
    restaurant_id uuid NOT NULL REFERENCES seating.restaurants (id) ON DELETE CASCADE,
    role text NOT NULL,
    PRIMARY KEY (restaurant_id, staff_id),
    CONSTRAINT restaurant_memberships_role_known CHECK (role IN ('owner', 'manager', 'host', 'server'))
);
CREATE INDEX restaurant_memberships_staff_id_idx ON seating.restaurant_memberships (staff_id);

CREATE TABLE seating.bookings (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    restaurant_id uuid NOT NULL REFERENCES seating.restaurants (id) ON DELETE CASCADE,
    party_size integer NOT NULL,
    start_at timestamptz NOT NULL,
    end_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    guest_name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT bookings_party_size_positive CHECK (party_size > 0),
    CONSTRAINT bookings_end_after_start CHECK (end_at > start_at),
    CONSTRAINT bookings_status_known CHECK (status IN (
        'pending', 'pending_allocation', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show'))
);
-- The api functions are called with a bare booking id.
CREATE INDEX bookings_id_idx ON seating.bookings (id);

CREATE TABLE seating.manual_assignment_sessions (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    restaurant_id uuid NOT NULL,
    booking_id uuid NOT NULL,
    created_by uuid NOT NULL REFERENCES seating.staff (id),
    status text NOT NULL DEFAULT 'PROPOSED',
    proposed_tables jsonb NOT NULL DEFAULT '[]',
    require_adjacency boolean,
    checks jsonb NOT NULL DEFAULT '[]',
    hold_expires_at timestamptz,
    first_held_at timestamptz,
    confirmed_at timestamptz,
    last_validated_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT manual_assignment_sessions_booking_fkey FOREIGN KEY (restaurant_id, booking_id)
        REFERENCES seating.bookings (restaurant_id, id) ON DELETE CASCADE,
    CONSTRAINT manual_assignment_sessions_status_known CHECK (status IN (
        'PROPOSED', 'HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED')),
    CONSTRAINT manual_assignment_sessions_proposed_tables_array CHECK (jsonb_typeof(proposed_tables) = 'array'),
    CONSTRAINT manual_assignment_sessions_checks_array CHECK (jsonb_typeof(checks) = 'array'),
    CONSTRAINT manual_assignment_sessions_held_has_expiry CHECK ((status = 'HELD') = (hold_expires_at IS NOT NULL)),
    CONSTRAINT manual_assignment_sessions_held_since CHECK (status <> 'HELD' OR first_held_at IS NOT NULL),
    CONSTRAINT manual_assignment_sessions_confirmed_at CHECK ((status = 'CONFIRMED') = (confirmed_at IS NOT NULL))
);
-- At most one active session per booking and staff member.
CREATE UNIQUE INDEX manual_assignment_sessions_one_active
    ON seating.manual_assignment_sessions (restaurant_id, booking_id, created_by)
    WHERE status IN ('PROPOSED', 'HELD');
CREATE INDEX manual_assignment_sessions_id_idx ON seating.manual_assignment_sessions (id);
CREATE INDEX manual_assignment_sessions_held_expiry_idx
    ON seating.manual_assignment_sessions (hold_expires_at) WHERE status = 'HELD';

-- One row per hold a session takes; its tables are the session's proposed_tables, and its
-- ledger rows are the allocations that point at it.
CREATE TABLE seating.table_holds (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    restaurant_id uuid NOT NULL,
    session_id uuid NOT NULL,
    booking_id uuid NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT table_holds_one_per_session UNIQUE (restaurant_id, session_id),
    CONSTRAINT table_holds_session_fkey FOREIGN KEY (restaurant_id, session_id)
        REFERENCES seating.manual_assignment_sessions (restaurant_id, id) ON DELETE CASCADE,
    CONSTRAINT table_holds_booking_fkey FOREIGN KEY (restaurant_id, booking_id)
        REFERENCES seating.bookings (restaurant_id, id) ON DELETE CASCADE
);

-- The occupancy ledger. Every row is in force: released holds and replaced assignments are
-- deleted, and the hold path deletes expired hold rows on the tables it takes before inserting.
CREATE TABLE seating.allocations (
    id bigint GENERATED ALWAYS AS IDENTITY,
    restaurant_id uuid NOT NULL,
    table_id uuid NOT NULL,
    booking_id uuid,
    kind text NOT NULL,
    during tstzrange NOT NULL,
    hold_id uuid,
    note text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT allocations_table_fkey FOREIGN KEY (restaurant_id, table_id)
        REFERENCES seating.table_inventory (restaurant_id, id) ON DELETE CASCADE,
    CONSTRAINT allocations_booking_fkey FOREIGN KEY (restaurant_id, booking_id)
        REFERENCES seating.bookings (restaurant_id, id) ON DELETE CASCADE,
    CONSTRAINT allocations_hold_fkey FOREIGN KEY (restaurant_id, hold_id)
        REFERENCES seating.table_holds (restaurant_id, id) ON DELETE CASCADE,
    CONSTRAINT allocations_kind_known CHECK (kind IN ('hold', 'assignment', 'maintenance')),
    CONSTRAINT allocations_booking_unless_maintenance CHECK ((kind = 'maintenance') = (booking_id IS NULL)),
    CONSTRAINT allocations_hold_rows_have_hold CHECK ((kind = 'hold') = (hold_id IS NOT NULL)),
    CONSTRAINT allocations_during_bounded CHECK (
        NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
    CONSTRAINT allocations_no_double_booking
        EXCLUDE USING gist (restaurant_id WITH =, table_id WITH =, during WITH &&)
);
CREATE INDEX allocations_booking_idx ON seating.allocations (restaurant_id, booking_id) WHERE booking_id IS NOT NULL;
CREATE INDEX allocations_hold_idx ON seating.allocations (restaurant_id, hold_id) WHERE hold_id IS NOT NULL;

-- The confirmed record: which tables a booking has, who assigned them and when.
CREATE TABLE seating.booking_table_assignments (
    restaurant_id uuid NOT NULL,
    booking_id uuid NOT NULL,
    table_id uuid NOT NULL,
    assigned_by uuid NOT NULL REFERENCES seating.staff (id),
    assigned_at timestamptz NOT NULL DEFAULT now(),
    session_id uuid,
    PRIMARY KEY (restaurant_id, booking_id, table_id),
    CONSTRAINT booking_table_assignments_booking_fkey FOREIGN KEY (restaurant_id, booking_id)
        REFERENCES seating.bookings (restaurant_id, id) ON DELETE CASCADE,
    CONSTRAINT booking_table_assignments_table_fkey FOREIGN KEY (restaurant_id, table_id)
        REFERENCES seating.table_inventory (restaurant_id, id) ON DELETE CASCADE
);

CREATE TABLE seating.session_events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    restaurant_id uuid NOT NULL,
    session_id uuid NOT NULL,
    from_status text,
    to_status text NOT NULL,
    actor uuid REFERENCES seating.staff (id),
    reason text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT session_events_session_fkey FOREIGN KEY (restaurant_id, session_id)
        REFERENCES seating.manual_assignment_sessions (restaurant_id, id) ON DELETE CASCADE
);
CREATE INDEX session_events_session_idx ON seating.session_events (restaurant_id, session_id, id);

CREATE TABLE seating.booking_status_history (
    id bigint GENERATED ALWAYS AS IDENTITY,
    booking_id uuid NOT NULL,
    restaurant_id uuid NOT NULL,
    from_status text NOT NULL,
    to_status text NOT NULL,
    changed_by uuid REFERENCES seating.staff (id),
    reason text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (restaurant_id, id),
    CONSTRAINT booking_status_history_booking_fkey FOREIGN KEY (restaurant_id, booking_id)
        REFERENCES seating.bookings (restaurant_id, id) ON DELETE CASCADE
);
CREATE INDEX booking_status_history_booking_idx ON seating.booking_status_history (restaurant_id, booking_id, id);

-- What every session function returns: one row that reads well in psql.
CREATE TYPE api.session_state AS (
    id uuid,
    booking_id uuid,
    restaurant_id uuid,
    created_by uuid,
    status text,
    proposed_tables jsonb,
    hold_expires_at timestamptz,
    last_validated_at timestamptz,
    checks jsonb,
    created_at timestamptz,
    updated_at timestamptz,
    assignment jsonb,
    created boolean
);
COMMENT ON TYPE api.session_state IS
    'A manual assignment session as callers see it: status EXPIRED once a hold is past its expiry, assignment set once CONFIRMED, created true when this call started the session.';

CREATE TYPE api.selection_evaluation AS (
    booking_id uuid,
    table_ids uuid[],
    passed boolean,
    checks jsonb
);
COMMENT ON TYPE api.selection_evaluation IS
    'The constraint engine''s verdict: passed is true when no check has severity error.';
