import type { z } from 'zod';
import type { AttentionKindSchema } from '../../../contract/fleet';
import { iso, type Queryable } from './db';

/** Operator queries over the migration-002 views (transaction_summary, attention_items), kiosk revocation and the /metrics gauges. */

/** Revokes a kiosk's token (idempotent: the first revocation time is kept). False when unknown. */
export async function revokeKiosk(q: Queryable, id: string, now: Date): Promise<{ revoked_at: string } | undefined> {
  const { rows } = await q.query<{ revoked_at: Date }>(
    'UPDATE kiosks SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING revoked_at',
    [id, now],
  );
  return rows[0] ? { revoked_at: iso(rows[0].revoked_at) } : undefined;
}

export interface JobSummary {
  id: string;
  status: string;
  coins: number;
  coins_paid: number | null;
  coins_unpaid: number | null;
  expires_at: string;
}

/** Jobs and payment status of many transactions in one query (no N+1). */
export async function summariesFor(q: Queryable, ids: string[]): Promise<Map<string, { job: JobSummary | null; payment_status: string | null }>> {
  const out = new Map<string, { job: JobSummary | null; payment_status: string | null }>();
  if (ids.length === 0) return out;
  const { rows } = await q.query<{
    id: string; job_id: string | null; job_status: string | null; coins: number; job_coins_paid: number | null;
    job_coins_unpaid: number | null; job_expires_at: Date | null; payment_status: string | null;
  }>('SELECT * FROM transaction_summary WHERE id = ANY($1::uuid[])', [ids]);
  for (const r of rows) {
    const job = r.job_id && r.job_status && r.job_expires_at
      ? { id: r.job_id, status: r.job_status, coins: r.coins, coins_paid: r.job_coins_paid, coins_unpaid: r.job_coins_unpaid, expires_at: iso(r.job_expires_at) }
      : null;
    out.set(r.id, { job, payment_status: r.payment_status });
  }
  return out;
}

export interface AttentionItem {
  /** The attention_items view (migration 002) and the daily caps (cash-caps.ts) yield these kinds. */
  kind: z.infer<typeof AttentionKindSchema>;
  kiosk_id: string | null;
  transaction_id: string | null;
  ref_id: string;
  since: string;
  detail: Record<string, unknown>;
}

/** What needs a person now: time-based kinds only once older than their threshold (config). */
export async function listAttention(q: Queryable, o: { now: Date; silentSec: number; stuckSec: number; limit: number }): Promise<AttentionItem[]> {
  const { rows } = await q.query<Omit<AttentionItem, 'since'> & { since: Date }>(
    `SELECT kind, kiosk_id, transaction_id, ref_id, since, detail FROM attention_items
      WHERE (kind <> 'kiosk_silent' OR since < $1::timestamptz - make_interval(secs => $2))
        AND (kind <> 'job_stuck' OR since < $1::timestamptz - make_interval(secs => $3))
      ORDER BY since, kind, ref_id LIMIT $4`,
    [o.now, o.silentSec, o.stuckSec, o.limit],
  );
  return rows.map((r) => ({ ...r, since: iso(r.since) }));
}

/**
 * Gauges for /metrics (issue 18: a scrape never scans a whole table). Only open work is counted, each
 * from a partial index that holds just those rows (migrations 001, 002, 010): transactions and jobs not
 * yet final, pending and duplicate payments, open credits (credits_state_created, migration 007), flagged events; kiosks from the planner's row
 * estimate. Totals of finished work are counters in the process (requests) or the operator's reports.
 */
export const FLEET_COUNTS_SQL = `SELECT 'transactions_open' AS metric, status AS label, count(*)::int AS n FROM transactions
      WHERE status IN ('created','verified','paid','dispensing') GROUP BY status
     UNION ALL SELECT 'jobs_open', status, count(*)::int FROM dispense_jobs WHERE status IN ('pending','delivered','acked') GROUP BY status
     UNION ALL SELECT 'jobs_incomplete', status, count(*)::int FROM dispense_jobs WHERE status IN ('partial','failed') GROUP BY status
     UNION ALL SELECT 'payments_open', status, count(*)::int FROM payments WHERE status = 'pending' GROUP BY status
     UNION ALL SELECT 'payments_open', status, count(*)::int FROM payments WHERE status = 'duplicate' GROUP BY status
     UNION ALL SELECT 'credits_open', state, count(*)::int FROM credits WHERE state = 'open' GROUP BY state
     UNION ALL SELECT 'kiosk_events_flagged', 'flagged', count(*)::int FROM kiosk_events WHERE flagged IS NOT NULL
     UNION ALL SELECT 'kiosks_estimate', 'all', GREATEST(reltuples, 0)::int FROM pg_class WHERE oid = 'kiosks'::regclass`;

export async function fleetCounts(q: Queryable): Promise<Array<{ metric: string; label: string; n: number }>> {
  const { rows } = await q.query<{ metric: string; label: string; n: number }>(FLEET_COUNTS_SQL);
  return rows;
}
