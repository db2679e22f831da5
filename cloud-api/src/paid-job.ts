import { newId } from '../../contract/clock';
import { JOBS_CHANNEL, type Queryable } from './db/db';
import { payWithJob } from './db/jobs';
import type { TransactionRow } from './db/transactions';
import type { Deps } from './deps';

/** A transaction past its expires_at can no longer be verified, paid or given a job (issue 14). */
export function isPastExpiry(t: Pick<TransactionRow, 'expires_at'>, now: Date): boolean {
  return now.getTime() >= new Date(t.expires_at).getTime();
}

/**
 * verified → paid, and THE signed dispense job, in the caller's DB transaction (PRODUCT.md "Money rules":
 * a job only for a verified, paid transaction, at most one per transaction — UNIQUE (transaction_id)).
 * The caller holds the transaction row lock. NOTIFY wakes the kiosk's long-poll at COMMIT. One statement
 * (db/jobs.ts payWithJob). Returns the paid row when this call created THE job, else undefined.
 */
export async function markPaidWithJob(
  deps: Deps,
  q: Queryable,
  t: TransactionRow,
  paid: { now: Date; data: Record<string, unknown> },
): Promise<TransactionRow | undefined> {
  const { now } = paid;
  if (isPastExpiry(t, now)) return undefined;
  const job = deps.signer.sign({
    id: newId(),
    transaction_id: t.id,
    kiosk_id: t.kiosk_id,
    coins: t.coins,
    expires_at: new Date(now.getTime() + deps.config.JOB_TTL_SEC * 1000).toISOString(),
  });
  const out = await payWithJob(q, { job, now, paidData: paid.data, channel: JOBS_CHANNEL });
  return out.jobCreated ? out.paid : undefined;
}
