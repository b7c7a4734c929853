-- The staff page: tickets for its event stream and an index for its day view (DESIGN §11).
-- Tickets for the staff page's event stream (GET /api/staff/restaurants/{id}/events?ticket=).
-- EventSource cannot send an Authorization header, so the page trades its bearer token for a
-- ticket: single use, valid for seconds, for one restaurant. Only a SHA-256 hash is stored.
CREATE TABLE seating.event_tickets (
    restaurant_id uuid NOT NULL REFERENCES seating.restaurants (id) ON DELETE CASCADE,
    ticket_hash bytea NOT NULL,
    staff_id uuid NOT NULL REFERENCES seating.staff (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (restaurant_id, ticket_hash),
    CONSTRAINT event_tickets_expires_after_creation CHECK (expires_at > created_at)
);
-- Tidying expired tickets looks them up by expiry.
CREATE INDEX event_tickets_expires_at_idx ON seating.event_tickets (restaurant_id, expires_at);

-- The day view (api.list_bookings) reads bookings by restaurant and start time through
-- bookings_restaurant_start_idx (migration 0005).
