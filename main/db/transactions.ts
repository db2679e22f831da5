import type { Clock } from '../../contract/clock';
import type { Quote } from '../../contract/money';
import { FINAL_TRANSACTION_STATUSES, type TransactionKind, type TransactionMoneyColumns, type TransactionStatus } from '../../contract/transaction';
import { appendEvent } from './events';
import { appendOutbox } from './outbox';
import type { KioskDb } from './open-db';

/**
 * Transaction rows. Every change writes its audit event and its outbox row in ONE SQLite
 * transaction with the change itself (PRODUCT.md "Offline-first"): all three or none.
 */
export interface TransactionRow extends TransactionMoneyColumns {
  id: string;
  /** Issue 15: a cash-out, or a claim collecting coins owed (migration 003). */
  kind: TransactionKind;
  payment_reference: string | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
}

/** A cash-out born here with its quote; `kind: 'claim'` for insertClaim (issue 15). */
export function insertTransaction(db: KioskDb, clock: Clock, id: string, q: Quote, kind: TransactionKind = 'cash_out'): TransactionRow {
  return db.transaction(() => {
    const now = clock.now().toISOString();
    db.prepare(
      `INSERT INTO transactions (id, kind, amount_cents, fee_cents, total_cents, coins, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'created', ?, ?)`,
    ).run(id, kind, q.amount_cents, q.fee_cents, q.total_cents, q.coins, now, now);
    const payload = {
      transaction_id: id, amount_cents: q.amount_cents, fee_cents: q.fee_cents, total_cents: q.total_cents, coins: q.coins,
      ...(kind === 'claim' ? { kind } : {}),
    };
    appendEvent(db, clock, { type: 'transaction.created', transaction_id: id, data: payload });
    appendOutbox(db, clock, 'transaction.created', payload);
    return mustGet(db, id);
  })();
}

/**
 * Issue 15, collect: a claim transaction, born here with no amount (0 until the cloud has found the
 * person's open credits, applyClaimAnswer) and no fee: a claim has no payment step.
 */
export function insertClaim(db: KioskDb, clock: Clock, id: string): TransactionRow {
  return insertTransaction(db, clock, id, { amount_cents: 0, fee_cents: 0, total_cents: 0, coins: 0 }, 'claim');
}

/**
 * The cloud's answer to a claim's World ID proof, or its signed job when that came first: the coins this
 * claim pays out here (capped by what the kiosk holds). Sets the claim's amount and coins with an audit event; no outbox row (the cloud said it).
 */
export function applyClaimAnswer(
  db: KioskDb,
  clock: Clock,
  id: string,
  claim: { coins: number; amount_cents: number },
  source: 'world_id_answer' | 'signed_job',
): TransactionRow {
  return db.transaction(() => {
    const before = mustGet(db, id);
    if (before.kind !== 'claim') throw new Error(`transaction ${id} is not a claim`);
    db.prepare('UPDATE transactions SET amount_cents = ?, total_cents = ?, coins = ?, updated_at = ? WHERE id = ?').run(
      claim.amount_cents,
      claim.amount_cents,
      claim.coins,
      clock.now().toISOString(),
      id,
    );
    appendEvent(db, clock, { type: 'transaction.claim', transaction_id: id, data: { coins: claim.coins, amount_cents: claim.amount_cents, source } });
    return mustGet(db, id);
  })();
}

export function getTransaction(db: KioskDb, id: string): TransactionRow | undefined {
  return db.prepare('SELECT * FROM transactions WHERE id = ?').get(id) as TransactionRow | undefined;
}

function mustGet(db: KioskDb, id: string): TransactionRow {
  const row = getTransaction(db, id);
  if (!row) throw new Error(`transaction ${id} not found`);
  return row;
}

export interface StatusChange {
  status: TransactionStatus;
  reason?: string;
  coins_paid?: number;
  payment_reference?: string;
  fee_cents?: number;
}

/**
 * Changes a transaction's status with its audit event and `transaction.status` outbox row.
 * Call inside a db.transaction when it is part of a larger change; it opens its own otherwise.
 */
export function setTransactionStatus(db: KioskDb, clock: Clock, id: string, change: StatusChange): TransactionRow {
  return db.transaction(() => {
    const before = mustGet(db, id);
    const info = db
      .prepare(
        `UPDATE transactions SET status = ?, reason = COALESCE(?, reason), coins_paid = COALESCE(?, coins_paid),
         payment_reference = COALESCE(?, payment_reference), updated_at = ? WHERE id = ?`,
      )
      .run(change.status, change.reason ?? null, change.coins_paid ?? null, change.payment_reference ?? null, clock.now().toISOString(), id);
    if (info.changes !== 1) throw new Error(`transaction ${id} not updated`);
    const payload = { transaction_id: id, status: change.status, ...(change.reason ? { reason: change.reason.slice(0, 500) } : {}) };
    appendEvent(db, clock, { type: 'transaction.status', transaction_id: id, data: { from: before.status, ...payload } });
    appendOutbox(db, clock, 'transaction.status', payload);
    return mustGet(db, id);
  })();
}

/**
 * The cloud's numbers win (fee policy lives there): fee and total from its answer to
 * POST /v1/transactions, and the payment reference, with an audit event. No outbox row: the
 * cloud is where these numbers came from.
 */
export function applyCloudQuote(
  db: KioskDb,
  clock: Clock,
  id: string,
  cloud: { amount_cents: number; fee_cents: number; total_cents: number; coins: number },
  paymentReference: string,
): TransactionRow {
  return db.transaction(() => {
    const before = mustGet(db, id);
    if (cloud.amount_cents !== before.amount_cents || cloud.coins !== before.coins) {
      throw new Error(`the cloud registered ${cloud.amount_cents} cents for transaction ${id}, the kiosk ${before.amount_cents}`);
    }
    db.prepare('UPDATE transactions SET fee_cents = ?, total_cents = ?, payment_reference = ?, updated_at = ? WHERE id = ?').run(
      cloud.fee_cents,
      cloud.total_cents,
      paymentReference,
      clock.now().toISOString(),
      id,
    );
    appendEvent(db, clock, { type: 'transaction.registered', transaction_id: id, data: { fee_cents: cloud.fee_cents, total_cents: cloud.total_cents } });
    return mustGet(db, id);
  })();
}

export function isFinal(status: TransactionStatus): boolean {
  return FINAL_TRANSACTION_STATUSES.includes(status);
}

/**
 * Coins promised but not yet paid: open transactions and unfinished jobs. New cash-outs may only
 * use the inventory that is left after these.
 */
export function reservedCoins(db: KioskDb): number {
  const open = db
    .prepare(`SELECT COALESCE(SUM(coins - COALESCE(coins_paid, 0)), 0) FROM transactions WHERE status IN ('created','verified','paid','dispensing')`)
    .pluck()
    .get() as number;
  return open;
}
