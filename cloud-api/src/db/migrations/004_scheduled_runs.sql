-- One row per scheduled firing that ran (scheduler/run-claims.ts): the first cloud instance to insert
-- the key `<task>:<slot time>` runs that firing, the others skip it. Retention deletes rows older than
-- two days (scheduler/cloud-tasks.ts pruneRunClaims).
CREATE TABLE scheduled_runs (
  run_key text PRIMARY KEY,
  claimed_at timestamptz NOT NULL
);
CREATE INDEX scheduled_runs_claimed ON scheduled_runs (claimed_at);
