-- Rollout and operations (DESIGN §13): feature flags with per-restaurant and per-staff overrides,
-- and the sweeper's bookkeeping so that one run per interval happens across all app workers.

-- The flags the code knows, each with its global default. A reference table (no restaurant_id):
-- small, read by every restaurant.
CREATE TABLE seating.feature_flags (
    name text PRIMARY KEY,
    description text NOT NULL,
    enabled boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT feature_flags_name_shape CHECK (name ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);

-- Overrides: per restaurant, per staff member, or per staff member in one restaurant. The most
-- specific one wins (staff in restaurant, staff, restaurant, then the global default).
CREATE TABLE seating.feature_flag_overrides (
    flag text NOT NULL REFERENCES seating.feature_flags (name) ON DELETE CASCADE,
    restaurant_id uuid REFERENCES seating.restaurants (id) ON DELETE CASCADE,
    staff_id uuid REFERENCES seating.staff (id) ON DELETE CASCADE,
    enabled boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT feature_flag_overrides_scope_present CHECK (restaurant_id IS NOT NULL OR staff_id IS NOT NULL),
    CONSTRAINT feature_flag_overrides_scope_key UNIQUE NULLS NOT DISTINCT (flag, restaurant_id, staff_id)
);
CREATE INDEX feature_flag_overrides_staff_idx ON seating.feature_flag_overrides (staff_id) WHERE staff_id IS NOT NULL;

-- On for a new installation: its staff page starts on the session flow. A site migrating from
-- the legacy flow turns it off globally first, then on restaurant by restaurant (README).
INSERT INTO seating.feature_flags (name, description, enabled)
VALUES ('use-new-manual-assignment-flow',
        'The staff page uses the session flow (hold and confirm in one session) instead of the legacy validate / hold / confirm calls.',
        true);

-- When each periodic task last ran, so that many app workers (each with its own timer) run it
-- once per interval between them. A reference table: the tasks are global.
CREATE TABLE seating.sweeper_runs (
    task text PRIMARY KEY,
    last_run_at timestamptz NOT NULL,
    CONSTRAINT sweeper_runs_task_known CHECK (task IN ('expire_sessions', 'purge_history'))
);
