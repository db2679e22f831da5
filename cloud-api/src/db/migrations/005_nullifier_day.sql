-- Per-human limits count a person's transactions of the day (db/nullifiers.ts useNullifier).
CREATE INDEX transactions_nullifier_created ON transactions (world_id_nullifier, created_at) WHERE world_id_nullifier IS NOT NULL;
