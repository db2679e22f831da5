-- Issue 13 (safe retries): how the hopper's counters proved an intent's outcome, so the payout runner
-- can tell the two outcomes a single retry may follow from every other one:
--   not_taken  the 167 never left or was proven not taken (nothing paid): one re-send is safe;
--   power_cut  the counter was back at 0 after a power cut, paid = the 168 delta (two clean reads);
--   counted    any other proof (last payout's count, several dispenses, emergency stop, by hand).
-- NULL for intents settled before this migration: never retried.
ALTER TABLE payout_intents ADD COLUMN proof TEXT CHECK (proof IS NULL OR proof IN ('not_taken','power_cut','counted'));
