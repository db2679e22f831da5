import type { HumanLimits } from '../worldid/human-limits';
import type { Queryable } from './db';

export type { HumanLimits };

export type NullifierUse = { ok: true } | { ok: false; code: 'nullifier_used' | 'limit_reached'; message: string };

/**
 * Transactions that use up a person's day: verified and not yet ended, or given a job. One that ended
 * without a payout (expired, cancelled, its payment failed) gives its use back (issue 14). A claim
 * (collecting owed coins, issue 15) never counts.
 */
export const COUNTED = `(t.kind = 'cash_out' AND (t.status IN ('verified','paid','dispensing','completed','partial')
                   OR EXISTS (SELECT 1 FROM dispense_jobs j WHERE j.transaction_id = t.id)))`;

/**
 * Records one use of a nullifier (one human, one action) and enforces the per-human daily limits
 * (world-id.md "Cloud side": the portal accepts a reused nullifier, so the cloud counts uses). The day
 * is the operator's (PER_HUMAN_DAY_TIME_ZONE, worldid/human-limits.ts dayWindow); uses are the
 * person's counted transactions registered in it. Locks the nullifier row so concurrent uses of one
 * person are counted one after the other. `uses`/`amount_cents_total` keep today's totals for a reader.
 * Two statements (issue 18): the upsert that takes the row lock, then — in its own statement, so its
 * snapshot is taken after the lock and sees the use it may have waited for — the count and, only
 * within the limits, the recorded use.
 */
export async function useNullifier(
  q: Queryable,
  u: { nullifier: bigint; action: string; amountCents: number; now: Date; limits: HumanLimits; day: { start: Date; end: Date } },
): Promise<NullifierUse> {
  const key = u.nullifier.toString();
  const { rows } = await q.query<{ action: string }>(
    `INSERT INTO nullifiers (nullifier, action, uses, amount_cents_total, first_used_at, last_used_at)
     VALUES ($1::numeric, $2, 0, 0, $3, $3) ON CONFLICT (nullifier) DO UPDATE SET action = nullifiers.action
     RETURNING action`,
    [key, u.action, u.now],
  );
  const row = rows[0];
  if (!row) throw new Error('nullifier row vanished inside its transaction');
  if (row.action !== u.action) {
    return { ok: false, code: 'nullifier_used', message: 'this World ID proof belongs to another action' };
  }
  const used = await q.query<{ n: number; recorded: boolean }>(
    `WITH used AS (
       SELECT count(*)::int AS n, COALESCE(sum(t.amount_cents), 0)::int AS cents FROM transactions t
        WHERE t.world_id_nullifier = $1::numeric AND t.created_at >= $2 AND t.created_at < $3 AND ${COUNTED}),
     recorded AS (
       UPDATE nullifiers SET uses = used.n + 1, amount_cents_total = used.cents + $4, last_used_at = $5 FROM used
        WHERE nullifier = $1::numeric AND used.n + 1 <= $6 AND used.cents + $4 <= $7 RETURNING 1)
     SELECT n, EXISTS (SELECT 1 FROM recorded) AS recorded FROM used`,
    [key, u.day.start, u.day.end, u.amountCents, u.now, u.limits.dailyCount, u.limits.dailyCents],
  );
  const r = used.rows[0];
  if (r?.recorded) return { ok: true };
  if ((r?.n ?? 0) + 1 > u.limits.dailyCount) {
    return { ok: false, code: 'limit_reached', message: `this person has reached ${u.limits.dailyCount} cash-outs today; try again tomorrow` };
  }
  return { ok: false, code: 'limit_reached', message: 'this amount would exceed the daily limit per person; choose a smaller amount' };
}
