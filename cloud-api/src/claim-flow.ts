import type { ClaimAnswer } from '../../contract/credits';
import { ErrorCodes } from '../../contract/http';
import { QUARTER_CENTS } from '../../contract/money';
import { allocateCredits, collectable, lockOpenCredits } from './db/credits';
import type { Queryable } from './db/db';
import { addTransactionEvent } from './db/events';
import { useIssuedNonce } from './db/nonces';
import { getTransaction, setClaimAmount, setTransactionStatus, type TransactionRow } from './db/transactions';
import type { Deps } from './deps';
import { markPaidWithJob } from './paid-job';
import { checkVerifiable, Refusal } from './world-id-flow';

/**
 * Collecting owed coins (issue 15, contract/credits.ts): a claim transaction's World ID proof (same action,
 * so the person's nullifier as stored for limits; signal = the claim's id; Orb only — the route's checks)
 * is NOT counted against the per-human daily limit. In ONE DB transaction: use the nonce, lock the
 * person's open credits, take coins up to what this kiosk can pay (its last reported coins less its open
 * jobs), record the allocations, set the claim's amount, mark it paid (no payment step) and create THE
 * signed job. Two claims of one person are serialised by the credit row locks, so a coin is allocated once.
 * Nothing owed: the claim ends `refused` (committed), and the route answers 422 `nothing_owed`.
 */
export type ClaimOutcome = { ok: true; transaction: TransactionRow; claim: ClaimAnswer } | { ok: false; refusal: Refusal };

/** Coins this kiosk can pay now: its last heartbeat's coins less the coins of its jobs not yet reported; null = never reported. */
async function kioskPayableCoins(q: Queryable, kioskId: string): Promise<number | null> {
  const { rows } = await q.query<{ coins: number | null }>(
    `SELECT (s.payload->>'coins_available')::int
            - COALESCE((SELECT sum(j.coins) FROM dispense_jobs j WHERE j.kiosk_id = $1 AND j.status IN ('pending','delivered','acked')), 0)::int AS coins
       FROM kiosk_status s WHERE s.kiosk_id = $1`,
    [kioskId],
  );
  const c = rows[0]?.coins;
  return c === undefined || c === null ? null : Math.max(0, c);
}

export async function applyClaimProof(
  deps: Deps,
  q: Queryable,
  v: { transactionId: string; kioskId: string; nonce: string; nullifier: bigint },
): Promise<ClaimOutcome> {
  const now = deps.clock.now();
  const t = checkVerifiable(await getTransaction(q, v.transactionId, { forUpdate: true }), v.kioskId, now);
  const nonce = await useIssuedNonce(q, { nonce: v.nonce, transactionId: t.id, now });
  if (nonce === 'expired') throw new Refusal(ErrorCodes.nonceInvalid, 'this World ID request has expired; start again');
  if (nonce === 'invalid') throw new Refusal(ErrorCodes.nonceInvalid, 'this World ID request was already used; start again');
  const credits = await lockOpenCredits(q, v.nullifier.toString());
  const owed = credits.reduce((sum, c) => sum + collectable(c), 0);
  if (owed === 0) {
    await setTransactionStatus(q, { id: t.id, from: ['created'], to: 'refused', now, nullifier: v.nullifier });
    await addTransactionEvent(q, { transactionId: t.id, type: 'claim.nothing_owed', data: {}, now });
    return { ok: false, refusal: new Refusal(ErrorCodes.nothingOwed, 'you have no coins to collect') };
  }
  const payable = await kioskPayableCoins(q, v.kioskId);
  if (payable === 0) throw new Refusal(ErrorCodes.amountOutOfRange, 'this kiosk has no coins left to pay you; collect at another RoluATM');
  const taken = await allocateCredits(q, { claimTransactionId: t.id, credits, maxCoins: payable ?? owed, now });
  const amountCents = taken.coins * QUARTER_CENTS;
  await setClaimAmount(q, { id: t.id, coins: taken.coins, amountCents, now });
  await setTransactionStatus(q, { id: t.id, from: ['created'], to: 'verified', now, nullifier: v.nullifier });
  await addTransactionEvent(q, { transactionId: t.id, type: 'transaction.verified', data: { claim: true, coins: taken.coins, coins_left_owed: taken.coinsLeftOwed }, now });
  const withAmount = await getTransaction(q, t.id);
  if (!withAmount || !(await markPaidWithJob(deps, q, withAmount, { now, data: { claim: true } }))) {
    throw new Refusal(ErrorCodes.transactionExpired, 'this collection has expired; start again');
  }
  const after = await getTransaction(q, t.id);
  if (!after) throw new Error('transaction vanished inside its own database transaction');
  return { ok: true, transaction: after, claim: { coins: taken.coins, amount_cents: amountCents, coins_left_owed: taken.coinsLeftOwed } };
}

/** The claim part of a repeated successful answer: what this claim pays and what the person still has open. */
export async function claimAnswerOf(q: Queryable, t: TransactionRow): Promise<ClaimAnswer> {
  const { rows } = await q.query<{ left: number }>(
    `SELECT COALESCE(sum(coins - coins_collected - coins_allocated), 0)::int AS left FROM credits
      WHERE nullifier = $1::numeric AND state = 'open'`,
    [t.world_id_nullifier],
  );
  return { coins: t.coins, amount_cents: t.amount_cents, coins_left_owed: rows[0]?.left ?? 0 };
}
