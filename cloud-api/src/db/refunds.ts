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

/** Why a confirmed payment got no job (issue 15): the session had ended or expired, or the customer cancelled. */
export type PaymentOwedReason = 'late_payment' | 'cancelled_after_payment';

/**
 * A payment confirmed for a transaction that will never get a job: every coin is owed. Call inside
 * the DB transaction that records the confirmation; one row per (transaction, reason) — again is a no-op.
 */
export async function recordPaymentOwed(
  q: Queryable,
  r: { transactionId: string; kioskId: string; coins: number; reason: PaymentOwedReason; now: Date },
): Promise<boolean> {
  if (!Number.isSafeInteger(r.coins) || r.coins <= 0) throw new RangeError(`coins ${r.coins} is not a whole, positive number`);
  const res = await q.query(
    `INSERT INTO refunds_owed (id, transaction_id, job_id, kiosk_id, coins_unpaid, amount_cents, reason, status, created_at)
     VALUES ($1, $2, NULL, $3, $4, $5, $6, 'owed', $7) ON CONFLICT (transaction_id, reason) WHERE job_id IS NULL DO NOTHING`,
    [newId(), r.transactionId, r.kioskId, r.coins, r.coins * QUARTER_CENTS, r.reason, r.now],
  );
  return res.rowCount === 1;
}
