import { newId } from '../../../contract/clock';
import { QUARTER_CENTS } from '../../../contract/money';
import type { Queryable } from './db';

/**
 * A partial or failed payout leaves coins the customer paid for but did not get: that remainder is owed
 * back (PRODUCT.md "Money rules"). Call inside the same DB transaction that records the payout result
 * (sync-effects.ts, payout.result). One row per job: calling it again for the same job changes nothing.
 * Returns true when this call created the row; false when nothing is owed or it was already recorded.
 */
export async function recordRefundOwed(
  q: Queryable,
  r: { transactionId: string; jobId: string; kioskId: string; coinsUnpaid: number; reason?: string | null; now: Date },
): Promise<boolean> {
  if (!Number.isSafeInteger(r.coinsUnpaid) || r.coinsUnpaid < 0) throw new RangeError(`coins_unpaid ${r.coinsUnpaid} is not a whole, non-negative number`);
  if (r.coinsUnpaid === 0) return false;
  const res = await q.query(
    `INSERT INTO refunds_owed (id, transaction_id, job_id, kiosk_id, coins_unpaid, amount_cents, reason, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'owed', $8) ON CONFLICT (job_id) DO NOTHING`,
    [newId(), r.transactionId, r.jobId, r.kioskId, r.coinsUnpaid, r.coinsUnpaid * QUARTER_CENTS, r.reason ?? null, r.now],
  );
  return res.rowCount === 1;
}
