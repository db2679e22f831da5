import type { Queryable } from './db';

export interface HumanLimits {
  dailyCount: number;
  dailyCents: number;
}

export type NullifierUse = { ok: true } | { ok: false; code: 'nullifier_used' | 'limit_reached'; message: string };

function sameUtcDay(a: Date, b: Date): boolean {
  return a.toISOString().slice(0, 10) === b.toISOString().slice(0, 10);
}

/**
 * Records one use of a nullifier (one human, one action) and enforces the per-human daily limits
 * (world-id.md "Cloud side": the portal accepts a reused nullifier, so the cloud counts uses).
 * Counts reset at 00:00 UTC. Locks the row so concurrent uses are counted one after the other.
 */
export async function useNullifier(
  q: Queryable,
  u: { nullifier: bigint; action: string; amountCents: number; now: Date; limits: HumanLimits },
): Promise<NullifierUse> {
  const key = u.nullifier.toString();
  await q.query(
    `INSERT INTO nullifiers (nullifier, action, uses, amount_cents_total, first_used_at, last_used_at)
     VALUES ($1::numeric, $2, 0, 0, $3, $3) ON CONFLICT (nullifier) DO NOTHING`,
    [key, u.action, u.now],
  );
  const { rows } = await q.query<{ action: string; uses: number; amount_cents_total: number; last_used_at: Date }>(
    'SELECT action, uses, amount_cents_total, last_used_at FROM nullifiers WHERE nullifier = $1::numeric FOR UPDATE',
    [key],
  );
  const row = rows[0];
  if (!row) throw new Error('nullifier row vanished inside its transaction');
  if (row.action !== u.action) {
    return { ok: false, code: 'nullifier_used', message: 'this World ID proof belongs to another action' };
  }
  const today = sameUtcDay(new Date(row.last_used_at), u.now);
  const uses = today ? row.uses : 0;
  const cents = today ? row.amount_cents_total : 0;
  if (uses + 1 > u.limits.dailyCount) {
    return { ok: false, code: 'limit_reached', message: `this person has reached ${u.limits.dailyCount} cash-outs today; try again tomorrow` };
  }
  if (cents + u.amountCents > u.limits.dailyCents) {
    return { ok: false, code: 'limit_reached', message: 'this amount would exceed the daily limit per person; choose a smaller amount' };
  }
  await q.query(
    'UPDATE nullifiers SET uses = $2, amount_cents_total = $3, last_used_at = $4 WHERE nullifier = $1::numeric',
    [key, uses + 1, cents + u.amountCents, u.now],
  );
  return { ok: true };
}
