-- api.issue_event_ticket: a ticket for one restaurant's event stream. EventSource cannot send an
-- Authorization header, so the page trades its bearer token for a ticket that is single use,
-- valid for 30 seconds and stored only as a hash.
CREATE OR REPLACE FUNCTION api.issue_event_ticket(p_staff_id uuid, p_restaurant_id uuid)
RETURNS TABLE (ticket text, expires_at timestamptz)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- writes seating.event_tickets, which the app role may not touch directly
SET search_path = ''
AS $$
BEGIN
    IF p_staff_id IS NULL OR p_restaurant_id IS NULL THEN
        PERFORM seating._raise_error('INVALID_INPUT', 'A staff id and a restaurant id are required.',
            jsonb_build_object('fields', jsonb_build_array('staffId', 'restaurantId')));
    END IF;
    PERFORM seating._require_permission(p_staff_id, p_restaurant_id, 'read');
    -- Tickets are redeemed within seconds: tidy the restaurant's expired ones as new ones come.
    DELETE FROM seating.event_tickets AS k WHERE k.restaurant_id = p_restaurant_id AND k.expires_at <= now();
    ticket := 'set_' || replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
    expires_at := now() + interval '30 seconds';
    INSERT INTO seating.event_tickets (restaurant_id, ticket_hash, staff_id, expires_at)
    VALUES (p_restaurant_id, sha256(convert_to(ticket, 'UTF8')), p_staff_id, expires_at);
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION api.issue_event_ticket(uuid, uuid) IS
'Issues a ticket for the restaurant''s event stream (GET /api/staff/restaurants/{id}/events?ticket=): single use, expires after 30 seconds, only its hash is stored. Any member may have one.
Errors: INVALID_INPUT, FORBIDDEN (not a member, or no such restaurant).';
REVOKE ALL ON FUNCTION api.issue_event_ticket(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.issue_event_ticket(uuid, uuid) TO seating_app;
