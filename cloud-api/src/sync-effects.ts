import type { SyncEvent, TransactionStatus } from '../../contract';
import { recordConfigApplied } from './db/remote-config';
import type { Queryable } from './db/db';
import { addTransactionEvent } from './db/events';
import { EXPIRED_JOB_REASON, finishJob, getJob, type JobRow } from './db/jobs';
import { creditJobEnd } from './job-credits';
import { flagKioskEvent, upsertKioskStatus } from './db/sync';
import { getTransaction, setTransactionStatus } from './db/transactions';
import { heartbeatAlerts, payoutResultInDoubt } from './webhooks/conditions';

/** Kiosk-reported transitions the cloud accepts (contract/transaction.ts state diagram). */
const KIOSK_TRANSITIONS: Partial<Record<TransactionStatus, TransactionStatus[]>> = {
  cancelled: ['created', 'verified'],
  expired: ['created', 'verified'],
};

type PayoutResult = Extract<SyncEvent, { type: 'payout.result' }>;

/** Was this job ended by the cloud at its expiry (no result then), so a result now arrives late? */
const endedByExpiry = (job: JobRow) => job.status === 'failed' && job.coins_paid === 0 && job.result_reason === EXPIRED_JOB_REASON;

/**
 * A payout result settles the job and its transaction — only when it is the kiosk's own job and
 * coins paid ≤ coins ordered (PRODUCT.md "Money rules"). Anything else is kept but flagged for a person.
 * The credits follow in the same DB transaction (job-credits.ts): a cash-out's unpaid coins become its
 * credit (partial_payout / failed_payout), a claim's paid coins are collected. A result for a job the
 * cloud had ended at its expiry replaces that assumption and adjusts the credit (issue 15).
 */
async function applyPayoutResult(q: Queryable, kioskId: string, e: PayoutResult, now: Date): Promise<string | undefined> {
  const p = e.payload;
  const job = await getJob(q, p.job_id, { forUpdate: true });
  if (!job || job.kiosk_id !== kioskId || job.transaction_id !== p.transaction_id) return 'unknown_job';
  if (p.coins_ordered !== job.coins || p.coins_paid > job.coins || p.coins_paid + p.coins_unpaid !== job.coins) return 'coins_mismatch';
  const late = endedByExpiry(job);
  const finished = await finishJob(q, { id: job.id, status: p.outcome, coinsPaid: p.coins_paid, coinsUnpaid: p.coins_unpaid, reason: p.reason, now });
  if (!finished) return job.status === p.outcome && job.coins_paid === p.coins_paid ? undefined : 'job_already_final';
  const from: TransactionStatus[] = late ? ['failed'] : ['paid', 'dispensing'];
  await setTransactionStatus(q, { id: job.transaction_id, from, to: p.outcome, now, coinsPaid: p.coins_paid });
  await addTransactionEvent(q, {
    transactionId: job.transaction_id,
    type: `payout.${p.outcome}`,
    data: { job_id: job.id, coins_paid: p.coins_paid, coins_unpaid: p.coins_unpaid, seq: e.seq, reason: p.reason ?? null, after_expiry: late },
    now,
  });
  const t = await getTransaction(q, job.transaction_id, { forUpdate: true });
  if (!t) return 'unknown_transaction';
  const reason = p.outcome === 'failed' ? 'failed_payout' : 'partial_payout';
  const { overpaidCoins } = await creditJobEnd(q, {
    job, transaction: t, coinsPaid: p.coins_paid, coinsUnpaid: p.coins_unpaid, reason, late, actor: `kiosk:${kioskId}`, now,
  });
  return overpaidCoins > 0 ? `overpaid: ${overpaidCoins} coins paid after the credit was settled elsewhere` : undefined;
}

type NotPresented = Extract<SyncEvent, { type: 'job.not_presented' }>;

/**
 * Presence rule (issue 15): the kiosk acked the job but paid nothing, because its transaction was not
 * the live session on the screen. The job ends failed with every coin unpaid, and the full amount
 * becomes the customer's credit (reason `not_presented`) — or, for a claim, its coins return to open —
 * once, in this same DB transaction.
 */
async function applyNotPresented(q: Queryable, kioskId: string, e: NotPresented, now: Date): Promise<string | undefined> {
  const p = e.payload;
  const job = await getJob(q, p.job_id, { forUpdate: true });
  if (!job || job.kiosk_id !== kioskId || job.transaction_id !== p.transaction_id) return 'unknown_job';
  if (p.coins !== job.coins) return 'coins_mismatch';
  if (endedByExpiry(job)) return undefined; // already ended unpaid, its credit already counts every coin
  const reason = `not_presented: ${p.reason}`.slice(0, 500);
  const finished = await finishJob(q, { id: job.id, status: 'failed', coinsPaid: 0, coinsUnpaid: job.coins, reason, now });
  if (!finished) return job.status === 'failed' && job.coins_paid === 0 ? undefined : 'job_already_final';
  await setTransactionStatus(q, { id: job.transaction_id, from: ['paid', 'dispensing'], to: 'failed', now, coinsPaid: 0 });
  await addTransactionEvent(q, { transactionId: job.transaction_id, type: 'job.not_presented', data: { job_id: job.id, seq: e.seq, reason: p.reason }, now });
  const t = await getTransaction(q, job.transaction_id, { forUpdate: true });
  if (!t) return 'unknown_transaction';
  await creditJobEnd(q, { job, transaction: t, coinsPaid: 0, coinsUnpaid: job.coins, reason: 'not_presented', late: false, actor: `kiosk:${kioskId}`, now });
  return undefined;
}

async function applyStatus(q: Queryable, kioskId: string, e: Extract<SyncEvent, { type: 'transaction.status' }>, now: Date) {
  const p = e.payload;
  const from = KIOSK_TRANSITIONS[p.status];
  if (!from) return undefined; // other statuses are the cloud's to decide; the event stays as a record
  const t = await getTransaction(q, p.transaction_id, { forUpdate: true });
  if (!t || t.kiosk_id !== kioskId) return 'unknown_transaction';
  if (await setTransactionStatus(q, { id: t.id, from, to: p.status, now })) {
    await addTransactionEvent(q, { transactionId: t.id, type: `transaction.${p.status}`, data: { by: 'kiosk', seq: e.seq, reason: p.reason ?? null }, now });
  }
  return undefined;
}

/**
 * Applies a newly stored event inside the sync transaction; flags it when it cannot be applied. The webhook alerts
 * it causes (webhooks/conditions.ts: low coins, hopper fault, payout in doubt) are queued in the same transaction.
 */
export async function applySyncEvent(q: Queryable, kioskId: string, e: SyncEvent, now: Date, rules: { lowCoins: number }): Promise<void> {
  let flag: string | undefined;
  if (e.type === 'payout.result') flag = await applyPayoutResult(q, kioskId, e, now);
  else if (e.type === 'transaction.status') flag = await applyStatus(q, kioskId, e, now);
  else if (e.type === 'job.not_presented') flag = await applyNotPresented(q, kioskId, e, now);
  else if (e.type === 'kiosk.heartbeat') await heartbeatAlerts(q, kioskId, e, await upsertKioskStatus(q, kioskId, { seq: e.seq, payload: e.payload, now }), { ...rules, now });
  // The kiosk could not send this seq's event (contract/sync-events.ts tombstone): a person looks at it.
  else if (e.type === 'config.applied') await recordConfigApplied(q, kioskId, e.payload.version, now);
  else if (e.type === 'outbox.quarantined') flag = `quarantined_by_kiosk: ${e.payload.original_type}: ${e.payload.reason}`;
  if (flag) await flagKioskEvent(q, kioskId, e.seq, flag);
  if (flag && e.type === 'payout.result') await payoutResultInDoubt(q, kioskId, e, flag, now);
}
