-- Presence rule (issue 15): a signed job whose transaction was not the live session on the screen
-- when it arrived. Acknowledged, reported (`job.not_presented`), never paid. Kept apart from
-- dispense_jobs so the payout runner never sees it; a redelivery finds it here and is acked again.
CREATE TABLE jobs_not_presented (
  id             TEXT PRIMARY KEY,               -- the job id, born in the cloud
  transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions(id),
  coins          INTEGER NOT NULL CHECK (coins > 0),
  expires_at     TEXT NOT NULL,
  reason         TEXT NOT NULL,
  received_at    TEXT NOT NULL
) STRICT;
