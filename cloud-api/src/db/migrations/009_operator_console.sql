-- Issue 17: the operator console. Accounts, sessions, audit, remote kiosk config, webhooks, and the indexes
-- its searches page through (keyset on (created_at, id); the receipt code is the id's last 8 hex digits).

CREATE TABLE operators (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  role text NOT NULL CHECK (role IN ('viewer','operator','admin')),
  -- scrypt, "scrypt$N$r$p$salt_b64$hash_b64" (cloud-api/src/operators/password.ts)
  password_hash text NOT NULL,
  -- RFC 6238 secret, base32; NULL = no second factor
  totp_secret text,
  -- The last accepted TOTP time step: a code is accepted once (replay).
  totp_last_step bigint,
  disabled boolean NOT NULL DEFAULT false,
  must_change_password boolean NOT NULL DEFAULT true,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL,
  last_login_at timestamptz
);

CREATE TABLE operator_sessions (
  -- SHA-256 of the cookie's token; the token itself is never stored.
  id_hash text PRIMARY KEY,
  operator_id uuid NOT NULL REFERENCES operators(id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id) WHERE revoked_at IS NULL;

CREATE TABLE audit_events (
  id uuid PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_at ON audit_events (at DESC, id DESC);

-- Remote control (issue 17): what the operator wants the kiosk to run, versioned; the kiosk reports the version
-- it applied (sync event config.applied) once no customer or admin session is open.
CREATE TABLE kiosk_remote_config (
  kiosk_id uuid PRIMARY KEY REFERENCES kiosks(id),
  version integer NOT NULL CHECK (version > 0),
  in_service boolean NOT NULL,
  reason text,
  overrides jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  applied_version integer,
  applied_at timestamptz
);

CREATE TABLE webhooks (
  id uuid PRIMARY KEY,
  url text NOT NULL,
  events text[] NOT NULL,
  secret text NOT NULL,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  deleted_at timestamptz
);

CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY,
  webhook_id uuid NOT NULL REFERENCES webhooks(id),
  event text NOT NULL,
  -- One delivery per webhook and condition (e.g. low_coins:<kiosk>:<heartbeat seq>): a condition seen twice is sent once.
  dedupe_key text NOT NULL,
  body jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','delivered','failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_status_code integer,
  last_error text,
  next_attempt_at timestamptz,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  UNIQUE (webhook_id, dedupe_key)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC, id DESC);

-- Transaction search: newest first by (created_at, id), with or without a kiosk or status; the receipt code.
CREATE INDEX transactions_created_id ON transactions (created_at DESC, id DESC);
CREATE INDEX transactions_status_created ON transactions (status, created_at DESC, id DESC);
CREATE INDEX transactions_receipt_code ON transactions ((right(replace(id::text, '-', ''), 8)));
CREATE INDEX kiosks_created_id ON kiosks (created_at, id);
