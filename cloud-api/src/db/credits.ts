import { newId } from '../../../contract/clock';
import type { Credit, CreditReason, CreditState } from '../../../contract/credits';
import { QUARTER_CENTS } from '../../../contract/money';
import { emitWebhookEvent } from '../webhooks/emit';
import { iso, type Queryable } from './db';

/**
 * The credits ledger (issue 15, migration 007): what a customer is owed because coins did not leave
 * the kiosk. Rules:
 * - exactly one credit per source transaction (UNIQUE transaction_id), opened in the same DB
 *   transaction as its cause (payment confirmed too late, payout result, not presented, job expired);
 * - a later fact about the same transaction ADJUSTS that credit (adjustCredit), never adds one;
 * - `collected` only from a claim job's proven payout result (collectAllocations); `refunded` or
 *   `waived` only by an operator (settleCredit), and only while open and no claim holds coins of it;
 * - every change writes a credit_events row with its actor.
 */
export interface CreditRow {
  id: string;
  transaction_id: string;
  job_id: string | null;
  kiosk_id: string;
  nullifier: string | null;
  reason: CreditReason;
  coins: number;
  amount_cents: number;
  coins_collected: number;
  coins_allocated: number;
  state: CreditState;
  settled_by: string | null;
  settle_reference: string | null;
  settle_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, transaction_id, job_id, kiosk_id, nullifier::text AS nullifier, reason, coins, amount_cents, coins_collected,
  coins_allocated, state, settled_by, settle_reference, settle_reason, created_at, updated_at`;

/** Who changed a credit: the cloud's own rule, a kiosk's report, or an operator. */
export type CreditActor = 'cloud' | `kiosk:${string}` | `operator:${string}`;

async function addCreditEvent(
  q: Queryable,
  e: { creditId: string; from: CreditState | null; to: CreditState; actor: CreditActor; data?: Record<string, unknown>; now: Date },
): Promise<void> {
  await q.query('INSERT INTO credit_events (id, credit_id, from_state, to_state, actor, data, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    newId(),
    e.creditId,
    e.from,
    e.to,
    e.actor,
    JSON.stringify(e.data ?? {}),
    e.now,
  ]);
}

export async function getCredit(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<CreditRow | undefined> {
  const { rows } = await q.query<CreditRow>(`SELECT ${COLUMNS} FROM credits WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export async function getCreditOfTransaction(q: Queryable, transactionId: string, opts: { forUpdate?: boolean } = {}): Promise<CreditRow | undefined> {
  const { rows } = await q.query<CreditRow>(
    `SELECT ${COLUMNS} FROM credits WHERE transaction_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [transactionId],
  );
  return rows[0];
}

/**
 * Opens THE credit of a source transaction for `coins` unpaid coins, with the person's nullifier as
 * stored on the transaction, and queues its credit_opened webhook alert (issue 17). Call inside the DB
 * transaction that records the cause. Returns true when
 * this call created it; false when nothing is owed or the transaction already has its credit (then the
 * caller adjusts it, if the new fact changes the shortfall).
 */
export async function openCredit(
  q: Queryable,
  c: { transactionId: string; jobId: string | null; kioskId: string; reason: CreditReason; coins: number; actor: CreditActor; now: Date },
): Promise<boolean> {
  if (!Number.isSafeInteger(c.coins) || c.coins < 0) throw new RangeError(`coins ${c.coins} is not a whole, non-negative number`);
  if (c.coins === 0) return false;
  const id = newId();
  const r = await q.query(
    `INSERT INTO credits (id, transaction_id, job_id, kiosk_id, nullifier, reason, coins, amount_cents, state, created_at, updated_at)
     SELECT $1, t.id, $3, $4, t.world_id_nullifier, $5, $6, $7, 'open', $8, $8 FROM transactions t WHERE t.id = $2
     ON CONFLICT (transaction_id) DO NOTHING`,
    [id, c.transactionId, c.jobId, c.kioskId, c.reason, c.coins, c.coins * QUARTER_CENTS, c.now],
  );
  if (r.rowCount !== 1) return false;
  await addCreditEvent(q, { creditId: id, from: null, to: 'open', actor: c.actor, data: { reason: c.reason, coins: c.coins }, now: c.now });
  await emitWebhookEvent(q, { event: 'credit_opened', dedupeKey: `credit_opened:${id}`, kioskId: c.kioskId, transactionId: c.transactionId, data: { credit_id: id, reason: c.reason, coins: c.coins, amount_cents: c.coins * QUARTER_CENTS }, now: c.now });
  return true;
}

/**
 * A later, proven fact changes a source transaction's shortfall (a late payout.result of a job that the
 * cloud had already counted as expired): the credit's coins become the proven shortfall — never fewer
 * than claims have collected or hold (coins already handed out cannot be taken back; the excess is
 * recorded as `overpaid_coins` in the audit event). An open credit left with nothing owed is closed:
 * `collected` when claims collected all of it, else `waived` by the cloud ("paid after all").
 * A refunded or waived credit keeps its state; the fact is recorded. Returns the credit after.
 */
export async function adjustCredit(
  q: Queryable,
  a: { transactionId: string; shortfall: number; actor: CreditActor; why: string; now: Date },
): Promise<CreditRow | undefined> {
  const c = await getCreditOfTransaction(q, a.transactionId, { forUpdate: true });
  if (!c || c.coins === a.shortfall) return c;
  const held = c.coins_collected + c.coins_allocated;
  const data = { why: a.why, coins_before: c.coins, shortfall: a.shortfall, overpaid_coins: Math.max(0, held - a.shortfall) };
  if (c.state !== 'open') {
    await addCreditEvent(q, { creditId: c.id, from: c.state, to: c.state, actor: a.actor, data: { ...data, unchanged: true }, now: a.now });
    return c;
  }
  const coins = Math.max(a.shortfall, held);
  const state: CreditState = coins > held || c.coins_allocated > 0 ? 'open' : c.coins_collected > 0 ? 'collected' : 'waived';
  const settleReason = state === 'waived' ? `paid after all: ${a.why}`.slice(0, 500) : null;
  const { rows } = await q.query<CreditRow>(
    `UPDATE credits SET coins = $2, amount_cents = $3, state = $4, updated_at = $5,
       settled_by = CASE WHEN $4 = 'waived' THEN 'cloud' ELSE settled_by END, settle_reason = COALESCE($6, settle_reason)
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [c.id, coins, coins * QUARTER_CENTS, state, a.now, settleReason],
  );
  await addCreditEvent(q, { creditId: c.id, from: 'open', to: state, actor: a.actor, data: { ...data, coins_after: coins }, now: a.now });
  return rows[0];
}

/** A person's open credits with coins not yet held by a claim, oldest first, locked for this DB transaction. */
export async function lockOpenCredits(q: Queryable, nullifier: string): Promise<CreditRow[]> {
  const { rows } = await q.query<CreditRow>(
    `SELECT ${COLUMNS} FROM credits WHERE nullifier = $1::numeric AND state = 'open'
      ORDER BY created_at, id FOR UPDATE`,
    [nullifier],
  );
  return rows;
}

/** Coins of a credit a new claim may take. */
export const collectable = (c: Pick<CreditRow, 'coins' | 'coins_collected' | 'coins_allocated'>): number =>
  c.coins - c.coins_collected - c.coins_allocated;

/**
 * A claim takes up to `maxCoins` from the person's locked open credits, oldest first, and records one
 * allocation row per credit. Returns the coins taken and those still owed after this claim.
 */
export async function allocateCredits(
  q: Queryable,
  a: { claimTransactionId: string; credits: CreditRow[]; maxCoins: number; now: Date },
): Promise<{ coins: number; coinsLeftOwed: number }> {
  let coins = 0;
  let owed = 0;
  for (const c of a.credits) {
    const free = collectable(c);
    owed += free;
    const take = Math.min(free, a.maxCoins - coins);
    if (take <= 0) continue;
    coins += take;
    await q.query('UPDATE credits SET coins_allocated = coins_allocated + $2, updated_at = $3 WHERE id = $1', [c.id, take, a.now]);
    await q.query(
      "INSERT INTO credit_allocations (claim_transaction_id, credit_id, coins, state, created_at) VALUES ($1, $2, $3, 'allocated', $4)",
      [a.claimTransactionId, c.id, take, a.now],
    );
  }
  return { coins, coinsLeftOwed: owed - coins };
}

/**
 * A claim job's proven result (or its end without a payout: coinsPaid 0): the paid coins are
 * collected from its allocations in allocation order (oldest credit first), the rest goes back to
 * open. A credit whose every coin is collected becomes `collected`. A claim's shortfall never opens a
 * new credit. Idempotent: only allocations still `allocated` move.
 * `late`: the cloud had already released this claim's allocations when its job expired, and the kiosk
 * now proves coins were paid after all: they are collected from the same credits as far as those are
 * still open and not held by another claim. Returns the coins collected (coinsPaid − collected were
 * paid out beyond what is owed; the caller flags them).
 */
export async function settleAllocations(
  q: Queryable,
  s: { claimTransactionId: string; coinsPaid: number; late?: boolean; actor: CreditActor; now: Date },
): Promise<number> {
  const { rows } = await q.query<{ credit_id: string; coins: number; free: number; credit_state: CreditState }>(
    `SELECT a.credit_id, a.coins, c.coins - c.coins_collected - c.coins_allocated AS free, c.state AS credit_state
       FROM credit_allocations a JOIN credits c ON c.id = a.credit_id
      WHERE a.claim_transaction_id = $1 AND a.state = $2 ORDER BY c.created_at, c.id FOR UPDATE OF a, c`,
    [s.claimTransactionId, s.late ? 'released' : 'allocated'],
  );
  let left = s.coinsPaid;
  let collected = 0;
  for (const a of rows) {
    const room = s.late ? (a.credit_state === 'open' ? a.free : 0) : a.coins;
    const got = Math.min(a.coins, left, room);
    const releasing = s.late ? 0 : a.coins;
    if (s.late && got === 0) continue;
    left -= got;
    collected += got;
    await q.query(
      `UPDATE credit_allocations SET state = $3, coins_collected = $4, settled_at = $5
        WHERE claim_transaction_id = $1 AND credit_id = $2`,
      [s.claimTransactionId, a.credit_id, got > 0 ? 'collected' : 'released', got, s.now],
    );
    const { rows: after } = await q.query<{ state: CreditState }>(
      `UPDATE credits SET coins_collected = coins_collected + $2, coins_allocated = coins_allocated - $3, updated_at = $4,
         state = CASE WHEN coins_collected + $2 = coins AND coins_allocated - $3 = 0 THEN 'collected' ELSE state END
       WHERE id = $1 RETURNING state`,
      [a.credit_id, got, releasing, s.now],
    );
    const data = { claim_transaction_id: s.claimTransactionId, coins_allocated: a.coins, coins_collected: got, late: s.late ?? false };
    await addCreditEvent(q, { creditId: a.credit_id, from: a.credit_state, to: after[0]?.state ?? a.credit_state, actor: s.actor, data, now: s.now });
  }
  return collected;
}

export type SettleOutcome = { ok: true; credit: CreditRow } | { ok: false; why: 'not_found' | 'not_open' | 'held_by_claim'; state?: CreditState };

/** An operator settles an open credit as refunded (with a reference) or waived (with a reason). */
export async function settleCredit(
  q: Queryable,
  s: { id: string; to: 'refunded' | 'waived'; reference?: string; reason?: string; actor: CreditActor; now: Date },
): Promise<SettleOutcome> {
  const c = await getCredit(q, s.id, { forUpdate: true });
  if (!c) return { ok: false, why: 'not_found' };
  if (c.state !== 'open') return { ok: false, why: 'not_open', state: c.state };
  // A claim is paying these coins out right now: its result decides first (never collected AND refunded).
  if (c.coins_allocated > 0) return { ok: false, why: 'held_by_claim' };
  const { rows } = await q.query<CreditRow>(
    `UPDATE credits SET state = $2, settled_by = $3, settle_reference = $4, settle_reason = $5, updated_at = $6
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [c.id, s.to, s.actor, s.reference ?? null, s.reason ?? null, s.now],
  );
  const data = s.to === 'refunded' ? { reference: s.reference, coins_refunded: collectable(c) } : { reason: s.reason, coins_waived: collectable(c) };
  await addCreditEvent(q, { creditId: c.id, from: 'open', to: s.to, actor: s.actor, data, now: s.now });
  const credit = rows[0];
  if (!credit) throw new Error('credit vanished inside its own database transaction');
  return { ok: true, credit };
}

/** Keyset page of credits, oldest first; the cursor key is the last row's (created_at, id) (keyset-cursor.ts). */
export async function listCredits(
  q: Queryable,
  f: { state?: CreditState; cursor?: { t: string; id: string }; limit: number },
): Promise<{ items: CreditRow[]; next: { t: Date; id: string } | null }> {
  const { rows } = await q.query<CreditRow>(
    `SELECT ${COLUMNS} FROM credits
      WHERE ($1::text IS NULL OR state = $1)
        AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
      ORDER BY created_at, id LIMIT $4`,
    [f.state ?? null, f.cursor?.t ?? null, f.cursor?.id ?? null, f.limit + 1],
  );
  const items = rows.slice(0, f.limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > f.limit && last ? { t: new Date(last.created_at), id: last.id } : null };
}

/**
 * The credits a transaction touches, for its trail (console transaction page): its own credit (source) and the
 * credits a claim allocated, each with its allocation (claims only) and its audit events.
 */
export async function creditsOfTransaction(q: Queryable, transactionId: string): Promise<Array<Credit & { allocation: { coins: number; state: string; coins_collected: number | null } | null; events: Array<{ from_state: string | null; to_state: string; actor: string; data: unknown; at: string }> }>> {
  const { rows } = await q.query<CreditRow & { a_coins: number | null; a_state: string | null; a_collected: number | null }>(
    `SELECT c.id, c.transaction_id, c.job_id, c.kiosk_id, c.nullifier::text AS nullifier, c.reason, c.coins, c.amount_cents, c.coins_collected,
            c.coins_allocated, c.state, c.settled_by, c.settle_reference, c.settle_reason, c.created_at, c.updated_at,
            a.coins AS a_coins, a.state AS a_state, a.coins_collected AS a_collected
       FROM credits c LEFT JOIN credit_allocations a ON a.credit_id = c.id AND a.claim_transaction_id = $1
      WHERE c.transaction_id = $1 OR a.claim_transaction_id = $1 ORDER BY c.created_at, c.id`,
    [transactionId],
  );
  if (rows.length === 0) return [];
  const ev = await q.query<{ credit_id: string; from_state: string | null; to_state: string; actor: string; data: unknown; at: Date }>(
    'SELECT credit_id, from_state, to_state, actor, data, at FROM credit_events WHERE credit_id = ANY($1::uuid[]) ORDER BY at, id',
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => ({
    ...toCreditView(r),
    allocation: r.a_coins === null ? null : { coins: r.a_coins, state: r.a_state ?? '', coins_collected: r.a_collected },
    events: ev.rows.filter((e) => e.credit_id === r.id).map((e) => ({ from_state: e.from_state, to_state: e.to_state, actor: e.actor, data: e.data, at: iso(e.at) })),
  }));
}

export function toCreditView(c: CreditRow): Credit {
  return {
    id: c.id,
    transaction_id: c.transaction_id,
    kiosk_id: c.kiosk_id,
    reason: c.reason,
    amount_cents: c.amount_cents,
    coins: c.coins,
    coins_collected: c.coins_collected,
    state: c.state,
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
    settled_by: c.settled_by,
    settle_reference: c.settle_reference,
    settle_reason: c.settle_reason,
  };
}
