import type { Db } from '../db/db';

/**
 * A checksum of every table, for "bad input changes nothing" checks (bad-input.test.ts, test/fuzz/): kiosks
 * without last_seen_at, which any authenticated call updates; transaction events without refusal
 * records, the one allowed trace of a refused World ID result.
 */
export const CHECKSUM_TABLES: Record<string, string> = {
  kiosks: 'SELECT id, name, token_hash, previous_token_hash, previous_token_expires_at, revoked_at FROM kiosks',
  enrollment_codes: 'SELECT * FROM enrollment_codes',
  transactions: 'SELECT * FROM transactions',
  transaction_events: "SELECT * FROM transaction_events WHERE type <> 'world_id.refused'",
  dispense_jobs: 'SELECT * FROM dispense_jobs',
  nullifiers: 'SELECT * FROM nullifiers',
  issued_nonces: 'SELECT * FROM issued_nonces',
  kiosk_events: 'SELECT * FROM kiosk_events',
  payments: 'SELECT * FROM payments',
  credits: 'SELECT * FROM credits',
  credit_events: 'SELECT * FROM credit_events',
  credit_allocations: 'SELECT * FROM credit_allocations',
  kiosk_sync_state: 'SELECT kiosk_id, high_seq FROM kiosk_sync_state',
};

/** `{table: "rows:md5"}` for every table in CHECKSUM_TABLES, in one round trip. */
export async function checksum(db: Db): Promise<Record<string, string>> {
  const parts = Object.entries(CHECKSUM_TABLES).map(
    ([name, sql]) =>
      `SELECT '${name}' AS t, count(*)::int AS n, md5(COALESCE(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM (${sql}) x`,
  );
  const { rows } = await db.query<{ t: string; n: number; h: string }>(parts.join(' UNION ALL '));
  const out: Record<string, string> = {};
  for (const r of rows) out[r.t] = `${r.n}:${r.h}`;
  return out;
}

/** The tables whose checksum differs between two snapshots. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(CHECKSUM_TABLES).filter((t) => before[t] !== after[t]);
}
