import { ErrorCodes } from '../../../contract/http';
import type { PaymentSubmitResponse } from '../../../contract/payments';
import { FINAL_TRANSACTION_STATUSES } from '../../../contract/transaction';
import type { Queryable } from '../db/db';
import { addTransactionEvent } from '../db/events';
import { deleteUncheckedPayment, getPaymentByWorldAppId, hasConfirmedPayment, insertPendingPayment, recordPaymentCheck, type PaymentRowStatus } from '../db/payments';
import { getTransaction, setTransactionStatus, type TransactionRow } from '../db/transactions';
import type { Deps } from '../deps';
import { HttpError, notFound } from '../http-error';
import { isPastExpiry, markPaidWithJob } from '../paid-job';
import { openCredit } from '../db/credits';
import { centsToTokenBaseUnits, judgePayment, pendingRecheckDelays, type ExpectedPayment } from './confirm-payment';
import { fetchPortalTransaction, PaymentPortalUnavailableError } from './portal-transaction-client';

/**
 * POST /v1/transactions/:id/payment, and the re-checker (world-id.md "Payment in World App"):
 * ask the portal, judge, then record the outcome in ONE DB transaction under the transaction row lock —
 * a confirmed payment of a verified transaction makes it paid and creates THE job in that same DB
 * transaction. Idempotent per World App transaction id; a refused or unknown payment stores nothing.
 */
const invalid = (message: string) => new HttpError(422, ErrorCodes.paymentInvalid, message);
const RECHECK_DELAYS = pendingRecheckDelays();

export function paymentsEnabled(deps: Deps): void {
  if (deps.config.PAYMENT_MODE !== 'world_app') throw new HttpError(404, ErrorCodes.notFound, 'this cloud takes no payments (PAYMENT_MODE=none)');
}

/** `id` is a checked path id (routes/path-id.ts). */
export async function findPayableTransaction(deps: Deps, id: string): Promise<TransactionRow> {
  const t = await getTransaction(deps.db, id);
  // A claim (issue 15) pays out owed coins and is never paid for.
  if (!t || t.kind === 'claim') throw notFound('transaction');
  return t;
}

export function expectedPayment(deps: Deps, t: TransactionRow): ExpectedPayment {
  const cfg = deps.config;
  if (!cfg.PAYMENT_RECIPIENT) throw new Error('PAYMENT_RECIPIENT is not configured; parseCloudConfig should have refused this');
  const pricing = cfg.PAYMENT_WLD_PER_USD_MICRO > 0 ? { wldPerUsdMicro: cfg.PAYMENT_WLD_PER_USD_MICRO } : {};
  return {
    reference: t.payment_reference,
    recipient: cfg.PAYMENT_RECIPIENT,
    token: cfg.PAYMENT_TOKEN,
    tokenAmount: centsToTokenBaseUnits(t.total_cents, cfg.PAYMENT_TOKEN, pricing),
  };
}

const answer = (s: PaymentRowStatus): PaymentSubmitResponse => ({
  payment_status: s === 'pending' ? 'pending' : s === 'failed' ? 'failed' : 'confirmed',
});

async function askPortal(deps: Deps, worldAppTxId: string) {
  const cfg = deps.config;
  try {
    return await fetchPortalTransaction(
      { baseUrl: cfg.DEV_PORTAL_BASE_URL, appId: cfg.WORLD_ID_APP_ID, apiKey: cfg.DEV_PORTAL_API_KEY ?? '' },
      worldAppTxId,
    );
  } catch (cause) {
    if (cause instanceof PaymentPortalUnavailableError) {
      deps.log.warn({ status: cause.status, reason: cause.message }, 'payment portal unavailable');
      throw new HttpError(503, ErrorCodes.dependencyDown, 'World App payments cannot be confirmed right now; the page will retry', { cause });
    }
    throw cause;
  }
}

/**
 * Checks one World App payment for transaction `t` and records what the portal said (issue 14):
 * - a new World App id is stored as pending BEFORE the portal is asked, so a portal outage leaves a
 *   pending payment that the re-checker (payment-rechecker.ts) confirms later — a customer who paid is
 *   never forgotten; only a definite refusal (unknown to the portal, not our payment) removes it again;
 * - a customer's call (`fromClient`) never re-asks the portal about a pending payment — the re-checker
 *   does, on its schedule — and may cause at most PORTAL_LOOKUPS_PER_TRANSACTION_PER_MIN lookups.
 */
export async function submitPayment(deps: Deps, t: TransactionRow, worldAppTxId: string, o: { fromClient?: boolean } = {}): Promise<PaymentSubmitResponse> {
  const known = await getPaymentByWorldAppId(deps.db, worldAppTxId);
  if (known && known.transaction_id !== t.id) throw invalid('this payment belongs to another cash-out; pay again from the kiosk link');
  if (known && known.status !== 'pending') return answer(known.status);
  if (known && o.fromClient) return answer('pending');
  if (o.fromClient && !(await deps.limits.portalLookup.take(t.id)).ok) {
    throw new HttpError(429, ErrorCodes.rateLimited, 'too many payment checks for this cash-out; wait a minute and try again');
  }
  const expected = expectedPayment(deps, t);
  const provisional = known ? null : await storePending(deps, t, worldAppTxId, expected);
  const lookup = await askPortal(deps, worldAppTxId);
  const verdict = lookup.found ? judgePayment(lookup.transaction, expected) : null;
  if (!lookup.found || verdict?.verdict === 'refused') {
    if (provisional) await deleteUncheckedPayment(deps.db, provisional);
    throw invalid(verdict?.verdict === 'refused' ? verdict.message : 'World App does not know this payment; pay again from the kiosk link');
  }
  if (!verdict) throw new Error('unreachable: a found transaction always has a verdict');
  return deps.db.tx(async (q) => {
    const now = deps.clock.now();
    const locked = await getTransaction(q, t.id, { forUpdate: true });
    if (!locked) throw notFound('transaction');
    let status: PaymentRowStatus = verdict.verdict === 'confirmed' ? 'confirmed' : verdict.verdict === 'failed' ? 'failed' : 'pending';
    if (status === 'confirmed' && (await hasConfirmedPayment(q, t.id))) {
      const same = await getPaymentByWorldAppId(q, worldAppTxId);
      status = same?.status === 'confirmed' ? 'confirmed' : 'duplicate';
    }
    const delay = RECHECK_DELAYS[known?.check_count ?? 0];
    const recorded = await recordPaymentCheck(q, {
      transactionId: t.id,
      worldAppTxId,
      reference: expected.reference,
      recipient: expected.recipient,
      token: expected.token,
      tokenAmount: expected.tokenAmount,
      amountCents: t.total_cents,
      status,
      portalStatus: lookup.transaction.transaction_status,
      nextCheckAt: status === 'pending' && delay !== undefined ? new Date(now.getTime() + delay) : null,
      now,
    });
    if (!recorded) throw invalid('this payment belongs to another cash-out; pay again from the kiosk link');
    if (!recorded.changed) return answer(recorded.row.status); // a concurrent check already settled it
    await applyOutcome(deps, q, locked, { status, paymentId: recorded.row.id, now });
    return answer(status);
  });
}

/** Stores a new World App id as pending, due for the re-checker; null when another call stored it first. */
async function storePending(deps: Deps, t: TransactionRow, worldAppTxId: string, expected: ExpectedPayment): Promise<string | null> {
  const now = deps.clock.now();
  return insertPendingPayment(deps.db, {
    transactionId: t.id,
    worldAppTxId,
    reference: expected.reference,
    recipient: expected.recipient,
    token: expected.token,
    tokenAmount: expected.tokenAmount,
    amountCents: t.total_cents,
    nextCheckAt: new Date(now.getTime() + (RECHECK_DELAYS[0] ?? 1000)),
    now,
  });
}

async function applyOutcome(
  deps: Deps,
  q: Queryable,
  t: TransactionRow,
  o: { status: PaymentRowStatus; paymentId: string; now: Date },
): Promise<void> {
  const data = { payment_id: o.paymentId };
  if (o.status === 'pending') return;
  await addTransactionEvent(q, { transactionId: t.id, type: `payment.${o.status}`, data, now: o.now });
  if (o.status === 'failed') {
    // world-id.md: `failed` ends the transaction (the customer was not charged) — unless another
    // payment of it is already confirmed: that one stands (issue 14).
    if (await hasConfirmedPayment(q, t.id)) return;
    if (await setTransactionStatus(q, { id: t.id, from: ['created', 'verified'], to: 'failed', now: o.now })) {
      await addTransactionEvent(q, { transactionId: t.id, type: 'transaction.failed', data: { reason: 'payment_failed' }, now: o.now });
    }
    return;
  }
  if (o.status === 'confirmed' && t.status === 'verified' && isPastExpiry(t, o.now)) {
    // Confirmed too late for a payout: the transaction ends, the payment stays on record and the
    // full amount becomes the customer's credit (issue 15).
    if (await setTransactionStatus(q, { id: t.id, from: ['verified'], to: 'expired', now: o.now })) {
      await addTransactionEvent(q, { transactionId: t.id, type: 'transaction.expired', data: { by: 'cloud', reason: 'payment_after_expiry' }, now: o.now });
    }
    await openCredit(q, { transactionId: t.id, jobId: null, kioskId: t.kiosk_id, reason: 'late_payment', coins: t.coins, actor: 'cloud', now: o.now });
  } else if (o.status === 'confirmed' && t.status === 'verified') {
    await markPaidWithJob(deps, q, t, { now: o.now, data: { payment_mode: 'world_app', payment_id: o.paymentId } });
  } else if (o.status === 'confirmed' && (t.status === 'expired' || t.status === 'cancelled')) {
    // Issue 15: the kiosk session ended (timeout, restart → expired/cancelled) before the payment was
    // confirmed: no job, ever; what was paid is the customer's credit, once.
    const reason = t.status === 'cancelled' ? 'cancelled_after_payment' : 'late_payment';
    await openCredit(q, { transactionId: t.id, jobId: null, kioskId: t.kiosk_id, reason, coins: t.coins, actor: 'cloud', now: o.now });
  } else if (o.status === 'confirmed' && FINAL_TRANSACTION_STATUSES.includes(t.status)) {
    deps.log.warn({ transaction_id: t.id, status: t.status }, 'payment confirmed for a transaction that already ended; shown in /v1/fleet/attention');
  }
}
