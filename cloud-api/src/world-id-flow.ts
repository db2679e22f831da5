import { ErrorCodes } from '../../contract/http';
import type { Queryable } from './db/db';
import { addTransactionEvent } from './db/events';
import { useIssuedNonce } from './db/nonces';
import { useNullifier } from './db/nullifiers';
import { hasConfirmedPayment } from './db/payments';
import { getTransaction, moveTransaction, type TransactionRow } from './db/transactions';
import type { Deps } from './deps';
import { HttpError } from './http-error';
import { checkResultAgainstTransaction, type CredentialPolicy } from './worldid';
import { isPastExpiry, markPaidWithJob } from './paid-job';
import { dayWindow, humanLimitsFor } from './worldid/human-limits';

/** A rule said no: the transaction rolls back, then only an audit event is written (see refuse()). */
export class Refusal extends HttpError {
  constructor(code: string, message: string) {
    super(422, code, message);
  }
}

/** The transaction of this kiosk in state `created` and not expired, or a refusal. */
export function checkVerifiable(t: TransactionRow | undefined, kioskId: string, now: Date): TransactionRow {
  if (!t || t.kiosk_id !== kioskId) throw new HttpError(404, ErrorCodes.notFound, 'transaction not found');
  if (t.status !== 'created') {
    throw new Refusal(ErrorCodes.transactionState, `this transaction is ${t.status}; start a new cash-out`);
  }
  if (isPastExpiry(t, now)) {
    throw new Refusal(ErrorCodes.transactionExpired, 'this transaction has expired; start a new cash-out');
  }
  return t;
}

/**
 * After the proof passed the portal: in ONE transaction, use the nonce, count the nullifier against the
 * per-human limits, mark verified, and (PAYMENT_MODE=none, or a payment already confirmed) paid with THE
 * signed dispense job, then NOTIFY the kiosk's long-poll (PRODUCT.md "The customer flow" 4–6, "Money rules").
 */
export async function applyVerifiedProof(
  deps: Deps,
  q: Queryable,
  v: { transactionId: string; kioskId: string; nonce: string; nullifier: bigint; protocolVersion: '3.0' | '4.0' },
): Promise<TransactionRow> {
  const now = deps.clock.now();
  const cfg = deps.config;
  const t = checkVerifiable(await getTransaction(q, v.transactionId, { forUpdate: true }), v.kioskId, now);
  const nonce = await useIssuedNonce(q, { nonce: v.nonce, transactionId: t.id, now });
  if (nonce === 'expired') throw new Refusal(ErrorCodes.nonceInvalid, 'this World ID request has expired; start a new cash-out');
  if (nonce === 'invalid') throw new Refusal(ErrorCodes.nonceInvalid, 'this World ID request was already used; start a new cash-out');
  // 3.0 and 4.0 nullifiers of one person cannot be linked: each protocol gets its share (human-limits.ts).
  const configured = { dailyCount: cfg.PER_HUMAN_DAILY_COUNT, dailyCents: cfg.PER_HUMAN_DAILY_CENTS };
  const limits = humanLimitsFor(v.protocolVersion, configured, cfg.WORLD_ID_ACCEPT_LEGACY);
  const day = dayWindow(now, cfg.PER_HUMAN_DAY_TIME_ZONE);
  const use = await useNullifier(q, { nullifier: v.nullifier, action: cfg.WORLD_ID_ACTION, amountCents: t.amount_cents, now, limits, day });
  if (!use.ok) throw new Refusal(use.code, use.message);
  const verified = await moveTransaction(q, {
    id: t.id, from: ['created'], to: 'verified', now, nullifier: v.nullifier,
    event: { type: 'transaction.verified', data: { protocol_version: v.protocolVersion } },
  });
  if (!verified) throw new Error('transaction left `created` while its row lock was held');
  // PAYMENT_MODE=none: operator-funded payout, explicit config (PRODUCT.md step 5). world_app: the job
  // waits for a confirmed payment, unless the payment was confirmed before this proof arrived.
  if (cfg.PAYMENT_MODE === 'none') {
    return (await markPaidWithJob(deps, q, verified, { now, data: { payment_mode: cfg.PAYMENT_MODE } })) ?? (await reread(q, t.id));
  }
  if (await hasConfirmedPayment(q, t.id)) {
    return (await markPaidWithJob(deps, q, verified, { now, data: { payment_mode: cfg.PAYMENT_MODE, payment: 'confirmed_before_verify' } })) ?? (await reread(q, t.id));
  }
  return verified;
}

/** The row as it is now: only when markPaidWithJob made no job (past expiry, or a job already there). */
async function reread(q: Queryable, id: string): Promise<TransactionRow> {
  const after = await getTransaction(q, id);
  if (!after) throw new Error('transaction vanished inside its own database transaction');
  return after;
}

/** Statuses a transaction reaches only through an accepted World ID proof. */
const VERIFIED_OR_LATER = new Set(['verified', 'paid', 'dispensing', 'completed', 'partial']);

/**
 * The World ID route is idempotent (issue 14): the same proof posted again after a committed success —
 * this kiosk's transaction, its own nonce and signal, one Orb credential, and the nullifier that was
 * counted — gets the same success, with nothing changed and the portal not asked again.
 */
export function repeatedSuccess(
  t: TransactionRow | undefined,
  kioskId: string,
  posted: { result: unknown; policy: CredentialPolicy; action: string },
): TransactionRow | null {
  if (!t || t.kiosk_id !== kioskId || t.world_id_nullifier === null || !VERIFIED_OR_LATER.has(t.status)) return null;
  const again = checkResultAgainstTransaction(posted.result, { transactionId: t.id, action: posted.action, nonce: t.rp_nonce, policy: posted.policy });
  return again.ok && again.nullifier === BigInt(t.world_id_nullifier) ? t : null;
}

/** Records a refusal as the only change (audit trail), then rethrows it for the HTTP answer. */
export async function recordRefusal(deps: Deps, transactionId: string, r: HttpError): Promise<never> {
  await addTransactionEvent(deps.db, {
    transactionId,
    type: 'world_id.refused',
    data: { code: r.code, message: r.message },
    now: deps.clock.now(),
  }).catch((err: unknown) => deps.log.warn({ err }, 'could not record a refusal event'));
  throw r;
}
