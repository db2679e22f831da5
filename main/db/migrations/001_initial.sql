-- Kiosk journal/outbox. Mirrors the cloud's tables (transactions, dispense_jobs, events, kiosk state)
-- plus the outbox and the payout journal (PRODUCT.md "Offline-first", "Money rules").
-- Money in integer cents, coins as integers. Times are ISO-8601 text from the injected clock.

CREATE TABLE kiosk_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE transactions (
  id                TEXT PRIMARY KEY,            -- UUIDv7, born here
  amount_cents      INTEGER NOT NULL CHECK (amount_cents > 0 AND amount_cents % 25 = 0),
  fee_cents         INTEGER NOT NULL CHECK (fee_cents >= 0),
  total_cents       INTEGER NOT NULL CHECK (total_cents = amount_cents + fee_cents),
  coins             INTEGER NOT NULL CHECK (coins * 25 = amount_cents),
  status            TEXT NOT NULL CHECK (status IN ('created','verified','paid','dispensing','completed','partial','failed','expired','cancelled','refused')),
  coins_paid        INTEGER CHECK (coins_paid IS NULL OR (coins_paid >= 0 AND coins_paid <= coins)),
  payment_reference TEXT,
  reason            TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
) STRICT;

-- At most one dispense job per transaction (UNIQUE), as in the cloud.
CREATE TABLE dispense_jobs (
  id             TEXT PRIMARY KEY,               -- born in the cloud
  transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions(id),
  coins          INTEGER NOT NULL CHECK (coins > 0),
  expires_at     TEXT NOT NULL,
  signature      TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('received','dispensing','completed','partial','failed','in_doubt')),
  coins_paid     INTEGER NOT NULL DEFAULT 0 CHECK (coins_paid >= 0 AND coins_paid <= coins),
  received_at    TEXT NOT NULL,
  finished_at    TEXT
) STRICT;

-- Append-only audit trail of every state change.
CREATE TABLE events (
  id             TEXT PRIMARY KEY,
  transaction_id TEXT,
  job_id         TEXT,
  type           TEXT NOT NULL,
  data           TEXT NOT NULL DEFAULT '{}',
  created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_transaction ON events(transaction_id);

-- Outbox: AUTOINCREMENT so a seq is never reused, even after rows are pruned or a crash.
CREATE TABLE outbox (
  seq                INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id           TEXT NOT NULL UNIQUE,
  type               TEXT NOT NULL,
  payload            TEXT NOT NULL,
  occurred_at        TEXT NOT NULL,
  sent_at            TEXT,
  attempts           INTEGER NOT NULL DEFAULT 0,
  quarantined_reason TEXT
) STRICT;
CREATE INDEX outbox_unsent ON outbox(seq) WHERE sent_at IS NULL;

-- Payout journal: written with synchronous=FULL BEFORE the dispense command (ccTalk 167) goes on
-- the wire (cctalk-hopper.md "Counters, and never paying twice"). An intent with outcome NULL
-- after a restart is in doubt and is settled from the hopper's counters (166/168), never by re-sending.
CREATE TABLE payout_intents (
  id                    TEXT PRIMARY KEY,
  job_id                TEXT NOT NULL,                 -- a dispense job id, or a technician test id
  hopper_serial         INTEGER NOT NULL,
  event_counter_before  INTEGER NOT NULL CHECK (event_counter_before BETWEEN 0 AND 255),
  dispense_count_before INTEGER NOT NULL CHECK (dispense_count_before >= 0),
  coins                 INTEGER NOT NULL CHECK (coins > 0),
  created_at            TEXT NOT NULL,
  outcome               TEXT CHECK (outcome IS NULL OR outcome IN ('paid','partial','unpaid')),
  coins_paid            INTEGER CHECK (coins_paid IS NULL OR (coins_paid >= 0 AND coins_paid <= coins)),
  event_counter_after   INTEGER,
  settled_by            TEXT CHECK (settled_by IS NULL OR settled_by IN ('reply','status','startup','technician')),
  settled_at            TEXT
) STRICT;
CREATE INDEX payout_intents_open ON payout_intents(job_id) WHERE outcome IS NULL;

-- Coins physically in the hopper as far as the kiosk knows (set at refill, lowered by proven payouts).
CREATE TABLE hopper_inventory (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  coins      INTEGER NOT NULL CHECK (coins >= 0),
  updated_at TEXT NOT NULL
) STRICT;
