-- Issue 15: a transaction is a `cash_out` (the customer picks an amount and pays) or a `claim` (the
-- customer collects coins they are owed; contract/transaction.ts TransactionKindSchema). A claim is born
-- here with amount 0 and no fee; its amount and coins are set when the cloud has found the person's open
-- credits. SQLite cannot change a CHECK, so the table is rebuilt (migrate() runs this with foreign keys
-- off and checks them before commit; dispense_jobs and jobs_not_presented refer to it by name).
CREATE TABLE transactions_003 (
  id                TEXT PRIMARY KEY,            -- UUIDv7, born here
  kind              TEXT NOT NULL DEFAULT 'cash_out' CHECK (kind IN ('cash_out','claim')),
  amount_cents      INTEGER NOT NULL CHECK (amount_cents % 25 = 0 AND (amount_cents > 0 OR (kind = 'claim' AND amount_cents = 0))),
  fee_cents         INTEGER NOT NULL CHECK (fee_cents >= 0 AND (kind = 'cash_out' OR fee_cents = 0)),
  total_cents       INTEGER NOT NULL CHECK (total_cents = amount_cents + fee_cents),
  coins             INTEGER NOT NULL CHECK (coins * 25 = amount_cents),
  status            TEXT NOT NULL CHECK (status IN ('created','verified','paid','dispensing','completed','partial','failed','expired','cancelled','refused')),
  coins_paid        INTEGER CHECK (coins_paid IS NULL OR (coins_paid >= 0 AND coins_paid <= coins)),
  payment_reference TEXT,
  reason            TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
) STRICT;

INSERT INTO transactions_003 (id, kind, amount_cents, fee_cents, total_cents, coins, status, coins_paid, payment_reference, reason, created_at, updated_at)
  SELECT id, 'cash_out', amount_cents, fee_cents, total_cents, coins, status, coins_paid, payment_reference, reason, created_at, updated_at
  FROM transactions;
DROP TABLE transactions;
ALTER TABLE transactions_003 RENAME TO transactions;
