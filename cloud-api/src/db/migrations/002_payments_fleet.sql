-- Payments in World App, refunds owed, and the operator's fleet views (issue 5; world-id.md
-- "Payment in World App"; ARCHITECTURE.md "Cloud HTTP API" fleet routes). Append-only.

CREATE TABLE payments (
  id uuid PRIMARY KEY,
  transaction_id uuid NOT NULL REFERENCES transactions(id),
  -- The World App transaction id the mini app reports; one row per id, so a replay is the same payment.
  world_app_transaction_id text NOT NULL UNIQUE CHECK (length(world_app_transaction_id) BETWEEN 1 AND 200),
  reference text NOT NULL,
  recipient text NOT NULL,
  token text NOT NULL CHECK (token IN ('USDC','WLD')),
  token_amount numeric NOT NULL CHECK (token_amount >= 0),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  -- pending: ask the portal again at next_check_at (NULL = gave up, a person decides);
  -- duplicate: a second mined payment for a transaction already paid (owed back to the customer).
  status text NOT NULL CHECK (status IN ('pending','confirmed','failed','duplicate')),
  portal_status text CHECK (portal_status IN ('pending','mined','failed')),
  check_count integer NOT NULL DEFAULT 0 CHECK (check_count >= 0),
  checked_at timestamptz,
  next_check_at timestamptz,
  confirmed_at timestamptz,
  created_at timestamptz NOT NULL,
  CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL))
);
-- PRODUCT.md "Money rules": at most one confirmed payment per transaction.
CREATE UNIQUE INDEX payments_one_confirmed ON payments (transaction_id) WHERE status = 'confirmed';
CREATE INDEX payments_due ON payments (next_check_at) WHERE status = 'pending';
CREATE INDEX payments_transaction ON payments (transaction_id);

-- Money the customer is owed because coins were not paid out (partial/failed payout) — one row per job.
CREATE TABLE refunds_owed (
  id uuid PRIMARY KEY,
  transaction_id uuid NOT NULL REFERENCES transactions(id),
  job_id uuid NOT NULL UNIQUE REFERENCES dispense_jobs(id),
  kiosk_id uuid NOT NULL REFERENCES kiosks(id),
  coins_unpaid integer NOT NULL CHECK (coins_unpaid > 0),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  reason text,
  status text NOT NULL DEFAULT 'owed' CHECK (status IN ('owed','refunded','waived')),
  created_at timestamptz NOT NULL,
  settled_at timestamptz
);
CREATE INDEX refunds_owed_open ON refunds_owed (created_at) WHERE status = 'owed';

CREATE INDEX kiosk_events_type_seq ON kiosk_events (kiosk_id, type, seq);
CREATE INDEX dispense_jobs_open_created ON dispense_jobs (created_at) WHERE status IN ('pending','delivered','acked');

-- Kiosk health: the latest heartbeat (sync event kiosk.heartbeat) and last contact of each kiosk.
CREATE VIEW kiosk_health AS
SELECT k.id, k.name, k.created_at, k.last_seen_at, k.revoked_at,
       hb.received_at AS heartbeat_at,
       (hb.payload->>'coins_available')::int AS coins_available,
       (hb.payload->>'hopper_ok')::boolean AS hopper_ok,
       (hb.payload->>'outbox_depth')::int AS outbox_depth,
       hb.payload->>'version' AS version,
       (SELECT count(*) FROM dispense_jobs j WHERE j.kiosk_id = k.id AND j.status IN ('pending','delivered','acked'))::int AS open_jobs
  FROM kiosks k
  LEFT JOIN LATERAL (
    SELECT e.payload, e.received_at FROM kiosk_events e
     WHERE e.kiosk_id = k.id AND e.type = 'kiosk.heartbeat' ORDER BY e.seq DESC LIMIT 1) hb ON true;

-- Transaction summary: each transaction with its job and its confirmed payment, one row each.
CREATE VIEW transaction_summary AS
SELECT t.id, t.kiosk_id, t.status, t.amount_cents, t.total_cents, t.coins, t.created_at,
       j.id AS job_id, j.status AS job_status, j.coins_paid AS job_coins_paid, j.coins_unpaid AS job_coins_unpaid,
       j.expires_at AS job_expires_at,
       p.id AS payment_id, p.status AS payment_status
  FROM transactions t
  LEFT JOIN dispense_jobs j ON j.transaction_id = t.id
  LEFT JOIN LATERAL (
    SELECT id, status FROM payments WHERE transaction_id = t.id
     ORDER BY (status = 'confirmed') DESC, created_at DESC LIMIT 1) p ON true;

-- What needs a person. `since` is when the condition began; the API applies the time thresholds
-- (KIOSK_SILENT_SEC, JOB_STUCK_SEC) with its own clock.
CREATE VIEW attention_items AS
SELECT 'job_stuck'::text AS kind, j.kiosk_id, j.transaction_id, j.id::text AS ref_id, j.created_at AS since,
       jsonb_build_object('job_status', j.status, 'coins', j.coins) AS detail
  FROM dispense_jobs j WHERE j.status IN ('pending','delivered','acked')
UNION ALL
SELECT 'payout_incomplete', j.kiosk_id, j.transaction_id, j.id::text, COALESCE(j.finished_at, j.created_at),
       jsonb_build_object('job_status', j.status, 'coins_paid', j.coins_paid, 'coins_unpaid', j.coins_unpaid, 'reason', j.result_reason)
  FROM dispense_jobs j WHERE j.status IN ('partial','failed')
UNION ALL
SELECT 'refund_owed', r.kiosk_id, r.transaction_id, r.id::text, r.created_at,
       jsonb_build_object('amount_cents', r.amount_cents, 'coins_unpaid', r.coins_unpaid, 'reason', r.reason)
  FROM refunds_owed r WHERE r.status = 'owed'
UNION ALL
SELECT 'kiosk_silent', k.id, NULL, k.id::text, COALESCE(k.last_seen_at, k.created_at),
       jsonb_build_object('name', k.name)
  FROM kiosks k WHERE k.revoked_at IS NULL
UNION ALL
SELECT 'event_flagged', e.kiosk_id, NULL, e.event_id::text, e.received_at,
       jsonb_build_object('seq', e.seq, 'type', e.type, 'flag', e.flagged)
  FROM kiosk_events e WHERE e.flagged IS NOT NULL
UNION ALL
SELECT 'payment_unresolved', t.kiosk_id, p.transaction_id, p.id::text, p.created_at,
       jsonb_build_object('payment_status', p.status, 'checks', p.check_count, 'transaction_status', t.status)
  FROM payments p JOIN transactions t ON t.id = p.transaction_id
 WHERE (p.status = 'pending' AND p.next_check_at IS NULL)
    OR p.status = 'duplicate'
    OR (p.status = 'confirmed' AND t.status IN ('expired','cancelled','refused','failed')
        AND NOT EXISTS (SELECT 1 FROM dispense_jobs j WHERE j.transaction_id = t.id));
