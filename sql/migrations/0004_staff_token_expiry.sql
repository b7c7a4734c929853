-- Bearer tokens expire (DESIGN §10). A token issued without an explicit expiry lives 30 days,
-- the default of TOKEN_TTL_DAYS; tokens issued before this migration get 30 days from now.
ALTER TABLE seating.staff_tokens
    ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '30 days',
    ADD CONSTRAINT staff_tokens_expiry_after_issue CHECK (expires_at > created_at AND expires_at < 'infinity');

COMMENT ON COLUMN seating.staff_tokens.token_hash IS
    'SHA-256 of the bearer token; the token itself is never stored and never sent to the database by the app.';
COMMENT ON COLUMN seating.staff_tokens.expires_at IS
    'After this instant the token no longer authenticates (api.authenticate_staff).';
