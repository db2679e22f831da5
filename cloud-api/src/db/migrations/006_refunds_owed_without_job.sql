-- Issue 15: a payment confirmed after the kiosk session ended (timeout, cancel, restart) or after the
-- transaction's expiry never gets a job; what the customer paid is owed without one. Such a row has
-- no job_id, and there is at most one per (transaction, reason): created exactly once per cause.
ALTER TABLE refunds_owed ALTER COLUMN job_id DROP NOT NULL;
CREATE UNIQUE INDEX refunds_owed_one_per_cause ON refunds_owed (transaction_id, reason) WHERE job_id IS NULL;
