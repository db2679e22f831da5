import type { CreditReason } from '../../contract/credits';
import { adjustCredit, openCredit, settleAllocations, type CreditActor } from './db/credits';
import type { Queryable } from './db/db';
import type { JobRow } from './db/jobs';
import type { TransactionRow } from './db/transactions';

/**
 * What the end of a dispense job means for the credits ledger (issue 15), in the DB transaction that
 * records that end (a payout.result, a job.not_presented, the job's expiry):
 * - a claim's job: the coins it proved paid are collected from its allocations, the rest returns to
 *   open (never a new credit for a claim's shortfall);
 * - a cash-out's job: its unpaid coins become THE credit of the transaction, with `reason`; when the
 *   transaction already has its credit (the cloud counted the job as expired, then the kiosk's proven
 *   result arrived late) that credit is adjusted to the proven shortfall, never duplicated.
 * Returns coins paid out beyond anything owed (a late claim result whose credits were meanwhile
 * settled elsewhere): the caller flags them for a person.
 */
export async function creditJobEnd(
  q: Queryable,
  e: { job: JobRow; transaction: TransactionRow; coinsPaid: number; coinsUnpaid: number; reason: CreditReason; late: boolean; actor: CreditActor; now: Date },
): Promise<{ overpaidCoins: number }> {
  const { job, transaction: t } = e;
  if (t.kind === 'claim') {
    const collected = await settleAllocations(q, { claimTransactionId: t.id, coinsPaid: e.coinsPaid, late: e.late, actor: e.actor, now: e.now });
    return { overpaidCoins: e.late ? e.coinsPaid - collected : 0 };
  }
  if (e.late) {
    const c = await adjustCredit(q, { transactionId: t.id, shortfall: e.coinsUnpaid, actor: e.actor, why: `the kiosk proved ${e.coinsPaid} of ${job.coins} coins paid`, now: e.now });
    const held = c ? c.coins_collected : 0;
    return { overpaidCoins: Math.max(0, held - e.coinsUnpaid) };
  }
  await openCredit(q, { transactionId: t.id, jobId: job.id, kioskId: job.kiosk_id, reason: e.reason, coins: e.coinsUnpaid, actor: e.actor, now: e.now });
  return { overpaidCoins: 0 };
}
