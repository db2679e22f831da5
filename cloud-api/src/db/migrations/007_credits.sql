-- Issue 15: one ledger of what customers are owed (`credits`, audit `credit_events`) replaces
-- refunds_owed; claim transactions (kind 'claim') collect open credits at any kiosk, and
-- `credit_allocations` records which credits (and how many coins of each) a claim is paying out.
-- contract/credits.ts has the shapes; db/credits.ts the rules.

-- A claim carries no amount until its World ID proof finds the person's open credits.
ALTER TABLE transactions ADD COLUMN kind text NOT NULL DEFAULT 'cash_out' CHECK (kind IN ('cash_out','claim'));
ALTER TABLE transactions DROP CONSTRAINT transactions_amount_cents_check;
ALTER TABLE transactions DROP CONSTRAINT transactions_coins_check;
ALTER TABLE transactions ADD CONSTRAINT transactions_amount_by_kind CHECK (amount_cents > 0 OR (kind = 'claim' AND amount_cents = 0));
ALTER TABLE transactions ADD CONSTRAINT transactions_coins_by_kind CHECK (coins > 0 OR (kind = 'claim' AND coins = 0));

CREATE TABLE credits (
  id uuid PRIMARY KEY,
  -- Exactly one credit per source transaction: every shortfall is one row, adjusted, never duplicated.
  transaction_id uuid NOT NULL UNIQUE REFERENCES transactions(id),
  job_id uuid REFERENCES dispense_jobs(id),
  kiosk_id uuid NOT NULL REFERENCES kiosks(id),
  -- The person's nullifier as stored for limits (transactions.world_id_nullifier); NULL when the
  -- transaction was never verified: such a credit can only be settled by an operator.
  nullifier numeric,
  reason text NOT NULL CHECK (reason IN ('late_payment','partial_payout','failed_payout','expired_job','not_presented','cancelled_after_payment')),
  coins integer NOT NULL CHECK (coins >= 0),
  amount_cents integer NOT NULL CHECK (amount_cents = coins * 25),
  -- Proven paid out by claim jobs; coins_allocated = held by claims whose payout is not reported yet.
  coins_collected integer NOT NULL DEFAULT 0 CHECK (coins_collected >= 0),
  coins_allocated integer NOT NULL DEFAULT 0 CHECK (coins_allocated >= 0),
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open','collected','refunded','waived')),
  settled_by text,
  settle_reference text,
  settle_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (coins_collected + coins_allocated <= coins),
  CHECK (state <> 'collected' OR (coins_collected = coins AND coins_allocated = 0)),
  CHECK (state = 'open' OR coins_allocated = 0),
  CHECK (state <> 'refunded' OR settle_reference IS NOT NULL),
  CHECK (state <> 'waived' OR settle_reason IS NOT NULL)
);
CREATE INDEX credits_open_person ON credits (nullifier, created_at, id) WHERE state = 'open';
CREATE INDEX credits_state_created ON credits (state, created_at, id);
-- Open work only (metrics gauges, the attention view).
CREATE INDEX credits_open ON credits (created_at) WHERE state = 'open';

-- Every change of a credit (creation from NULL, adjustments keep the state) with who made it.
CREATE TABLE credit_events (
  id uuid PRIMARY KEY,
  credit_id uuid NOT NULL REFERENCES credits(id),
  from_state text,
  to_state text NOT NULL,
  actor text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  at timestamptz NOT NULL
);
CREATE INDEX credit_events_credit ON credit_events (credit_id, at);

CREATE TABLE credit_allocations (
  claim_transaction_id uuid NOT NULL REFERENCES transactions(id),
  credit_id uuid NOT NULL REFERENCES credits(id),
  coins integer NOT NULL CHECK (coins > 0),
  -- allocated: the claim's job may pay these; collected/released once its payout result is known.
  state text NOT NULL DEFAULT 'allocated' CHECK (state IN ('allocated','collected','released')),
  coins_collected integer CHECK (coins_collected >= 0 AND coins_collected <= coins),
  created_at timestamptz NOT NULL,
  settled_at timestamptz,
  PRIMARY KEY (claim_transaction_id, credit_id)
);
CREATE INDEX credit_allocations_credit ON credit_allocations (credit_id);

-- Existing owed rows become credits (one per transaction; the first row wins if there were two).
INSERT INTO credits (id, transaction_id, job_id, kiosk_id, nullifier, reason, coins, amount_cents, state,
                     settled_by, settle_reference, settle_reason, created_at, updated_at)
SELECT DISTINCT ON (r.transaction_id) r.id, r.transaction_id, r.job_id, r.kiosk_id, t.world_id_nullifier,
       CASE WHEN r.reason IN ('late_payment','cancelled_after_payment','not_presented') THEN r.reason
            WHEN j.status = 'partial' THEN 'partial_payout' ELSE 'failed_payout' END,
       r.coins_unpaid, r.coins_unpaid * 25,
       CASE r.status WHEN 'owed' THEN 'open' ELSE r.status END,
       CASE WHEN r.status = 'owed' THEN NULL ELSE 'migration' END,
       CASE WHEN r.status = 'refunded' THEN 'recorded before the credits ledger' END,
       CASE WHEN r.status = 'waived' THEN 'recorded before the credits ledger' END,
       r.created_at, COALESCE(r.settled_at, r.created_at)
  FROM refunds_owed r
  JOIN transactions t ON t.id = r.transaction_id
  LEFT JOIN dispense_jobs j ON j.id = r.job_id
 ORDER BY r.transaction_id, r.created_at, r.id;
INSERT INTO credit_events (id, credit_id, from_state, to_state, actor, data, at)
SELECT c.id, c.id, NULL, c.state, 'migration', jsonb_build_object('from', 'refunds_owed'), c.updated_at FROM credits c;

-- What needs a person: open credits replace refunds owed.
DROP VIEW attention_items;
DROP TABLE refunds_owed;
CREATE VIEW attention_items AS
SELECT 'job_stuck'::text AS kind, j.kiosk_id, j.transaction_id, j.id::text AS ref_id, j.created_at AS since,
       jsonb_build_object('job_status', j.status, 'coins', j.coins) AS detail
  FROM dispense_jobs j WHERE j.status IN ('pending','delivered','acked')
UNION ALL
SELECT 'payout_incomplete', j.kiosk_id, j.transaction_id, j.id::text, COALESCE(j.finished_at, j.created_at),
       jsonb_build_object('job_status', j.status, 'coins_paid', j.coins_paid, 'coins_unpaid', j.coins_unpaid, 'reason', j.result_reason)
  FROM dispense_jobs j WHERE j.status IN ('partial','failed')
UNION ALL
SELECT 'credit_open', c.kiosk_id, c.transaction_id, c.id::text, c.created_at,
       jsonb_build_object('amount_cents', c.amount_cents, 'coins', c.coins, 'coins_collected', c.coins_collected,
                          'coins_allocated', c.coins_allocated, 'reason', c.reason, 'collectable', c.nullifier IS NOT NULL)
  FROM credits c WHERE c.state = 'open'
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
        AND NOT EXISTS (SELECT 1 FROM dispense_jobs j WHERE j.transaction_id = t.id)
        AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.transaction_id = t.id));
