-- api.redeem_event_ticket: use up an event-stream ticket, given its SHA-256 (like bearer tokens, a
-- ticket never reaches PostgreSQL in clear); returns the staff member it was issued to.
CREATE OR REPLACE FUNCTION api.redeem_event_ticket(p_restaurant_id uuid, p_ticket_hash bytea)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER -- reads and deletes seating.event_tickets, which the app role may not touch directly
SET search_path = ''
AS $$
DECLARE
    v_staff_id uuid;
    v_live boolean;
BEGIN
    -- Deleting is what makes a ticket single use, also when two requests race with it.
    DELETE FROM seating.event_tickets AS k
     WHERE k.restaurant_id = p_restaurant_id
       AND k.ticket_hash = p_ticket_hash
    RETURNING k.staff_id, k.expires_at > now() INTO v_staff_id, v_live;
    IF v_staff_id IS NULL OR NOT v_live THEN
        PERFORM seating._raise_error('UNAUTHENTICATED',
            'The event ticket is missing, unknown, used, expired or for another restaurant.');
    END IF;
    -- The membership may have ended since the ticket was issued.
    PERFORM seating._require_permission(v_staff_id, p_restaurant_id, 'read');
    RETURN v_staff_id;
END;
$$;

COMMENT ON FUNCTION api.redeem_event_ticket(uuid, bytea) IS
'Uses up a ticket from api.issue_event_ticket (given its SHA-256: sha256(convert_to(ticket, ''UTF8''))) for this restaurant and returns the staff id it was issued to.
Errors: UNAUTHENTICATED (missing, unknown, used, expired, or issued for another restaurant), FORBIDDEN (no longer a member).';
REVOKE ALL ON FUNCTION api.redeem_event_ticket(uuid, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.redeem_event_ticket(uuid, bytea) TO seating_app;
