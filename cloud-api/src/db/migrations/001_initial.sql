-- RoluATM cloud schema (ARCHITECTURE.md, PRODUCT.md "Money rules"). Money in integer cents, coins integers.
-- Append-only: change the schema with a new numbered file, never by editing this one.

CREATE TABLE kiosks (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash text NOT NULL UNIQUE,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz
);

CREATE TABLE enrollment_codes (
  code_hash text PRIMARY KEY,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  kiosk_id uuid REFERENCES kiosks(id),
  created_at timestamptz NOT NULL
);

CREATE TABLE transactions (
  id uuid PRIMARY KEY,
  kiosk_id uuid NOT NULL REFERENCES kiosks(id),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  fee_cents integer NOT NULL CHECK (fee_cents >= 0),
  total_cents integer NOT NULL CHECK (total_cents = amount_cents + fee_cents),
  coins integer NOT NULL CHECK (coins > 0),
  status text NOT NULL CHECK (status IN ('created','verified','paid','dispensing','completed','partial','failed','expired','cancelled','refused')),
  coins_paid integer CHECK (coins_paid >= 0 AND coins_paid <= coins),
  payment_reference text NOT NULL UNIQUE CHECK (length(payment_reference) <= 36),
  rp_nonce text NOT NULL,
  rp_context jsonb NOT NULL,
  world_id_nullifier numeric,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX transactions_kiosk_created ON transactions (kiosk_id, created_at);

CREATE TABLE transaction_events (
  id uuid PRIMARY KEY,
  transaction_id uuid NOT NULL REFERENCES transactions(id),
  type text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL
);
CREATE INDEX transaction_events_tx ON transaction_events (transaction_id, created_at);

CREATE TABLE dispense_jobs (
  id uuid PRIMARY KEY,
  -- PRODUCT.md "Money rules": one transaction → at most one dispense job, enforced here.
  transaction_id uuid NOT NULL UNIQUE REFERENCES transactions(id),
  kiosk_id uuid NOT NULL REFERENCES kiosks(id),
  coins integer NOT NULL CHECK (coins > 0),
  status text NOT NULL CHECK (status IN ('pending','delivered','acked','completed','partial','failed')),
  expires_at timestamptz NOT NULL,
  signature text NOT NULL,
  lease_until timestamptz,
  delivered_count integer NOT NULL DEFAULT 0,
  acked_at timestamptz,
  coins_paid integer CHECK (coins_paid >= 0 AND coins_paid <= coins),
  coins_unpaid integer CHECK (coins_unpaid >= 0),
  result_reason text,
  finished_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX dispense_jobs_kiosk_open ON dispense_jobs (kiosk_id, created_at) WHERE status IN ('pending','delivered');

CREATE TABLE nullifiers (
  nullifier numeric PRIMARY KEY,
  action text NOT NULL,
  uses integer NOT NULL CHECK (uses >= 0),
  amount_cents_total integer NOT NULL CHECK (amount_cents_total >= 0),
  first_used_at timestamptz NOT NULL,
  last_used_at timestamptz NOT NULL
);

CREATE TABLE issued_nonces (
  nonce text PRIMARY KEY,
  transaction_id uuid NOT NULL REFERENCES transactions(id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE kiosk_events (
  kiosk_id uuid NOT NULL REFERENCES kiosks(id),
  seq integer NOT NULL CHECK (seq > 0),
  event_id uuid NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  flagged text,
  PRIMARY KEY (kiosk_id, seq)
);
