-- Issue 14 "Credentials and keys" and daily cash caps (docs/SECURITY.md).
-- Which job key signed a job (contract/job.ts jobKeyId); NULL for jobs signed before key ids.
ALTER TABLE dispense_jobs ADD COLUMN kid text;

-- Kiosk token rotation: the token replaced last stays valid until previous_token_expires_at (the grace period).
ALTER TABLE kiosks ADD COLUMN previous_token_hash text;
ALTER TABLE kiosks ADD COLUMN previous_token_expires_at timestamptz;
CREATE UNIQUE INDEX kiosks_previous_token_hash ON kiosks (previous_token_hash) WHERE previous_token_hash IS NOT NULL;

-- The fleet daily cap sums the day's transactions of every kiosk.
CREATE INDEX transactions_created ON transactions (created_at);
