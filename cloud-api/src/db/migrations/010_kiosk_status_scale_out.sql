-- Issue 18 (a cloud that scales out). Append-only.
--
-- One latest-status row per kiosk: each kiosk.heartbeat is upserted here (sync-effects.ts), so the fleet
-- view and /metrics read one row per kiosk instead of searching kiosk_events for the newest heartbeat.
-- The heartbeat history in kiosk_events stays bounded by retention (HEARTBEAT_RETENTION_DAYS, hourly).
CREATE TABLE kiosk_status (
  kiosk_id uuid PRIMARY KEY REFERENCES kiosks(id),
  -- The heartbeat's outbox seq: an older heartbeat arriving late never overwrites a newer one.
  seq integer NOT NULL CHECK (seq > 0),
  payload jsonb NOT NULL,
  heartbeat_at timestamptz NOT NULL
);
INSERT INTO kiosk_status (kiosk_id, seq, payload, heartbeat_at)
SELECT DISTINCT ON (kiosk_id) kiosk_id, seq, payload, received_at
  FROM kiosk_events WHERE type = 'kiosk.heartbeat'
 ORDER BY kiosk_id, seq DESC;

-- Same columns as migration 002's view; the latest heartbeat now comes from kiosk_status.
CREATE OR REPLACE VIEW kiosk_health AS
SELECT k.id, k.name, k.created_at, k.last_seen_at, k.revoked_at,
       s.heartbeat_at,
       (s.payload->>'coins_available')::int AS coins_available,
       (s.payload->>'hopper_ok')::boolean AS hopper_ok,
       (s.payload->>'outbox_depth')::int AS outbox_depth,
       s.payload->>'version' AS version,
       (SELECT count(*) FROM dispense_jobs j WHERE j.kiosk_id = k.id AND j.status IN ('pending','delivered','acked'))::int AS open_jobs
  FROM kiosks k
  LEFT JOIN kiosk_status s ON s.kiosk_id = k.id;

-- Keyset pagination of GET /v1/fleet/kiosks reads kiosks_created_id (migration 009).
-- /metrics counts only what these partial indexes hold (open work), never whole tables.
CREATE INDEX transactions_open_status ON transactions (status) WHERE status IN ('created','verified','paid','dispensing');
CREATE INDEX dispense_jobs_incomplete ON dispense_jobs (status) WHERE status IN ('partial','failed');
CREATE INDEX payments_duplicate ON payments (transaction_id) WHERE status = 'duplicate';
