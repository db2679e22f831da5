import type { RpContext, TransactionKind, TransactionMoneyColumns, TransactionStatus, TransactionView } from '../../../contract';
import { newId } from '../../../contract/clock';
import { iso, type Queryable } from './db';

export interface TransactionRow extends TransactionMoneyColumns {
  id: string;
  kiosk_id: string;
  kind: TransactionKind;
  payment_reference: string;
  rp_nonce: string;
  rp_context: RpContext;
  world_id_nullifier: string | null;
  created_at: Date;
  expires_at: Date;
}

/** A TransactionRow's columns (also RETURNING them from other modules' statements, db/jobs.ts). */
export const TRANSACTION_COLUMNS = `id, kiosk_id, kind, amount_cents, fee_cents, total_cents, coins, status, coins_paid, payment_reference,
  rp_nonce, rp_context, world_id_nullifier::text AS world_id_nullifier, created_at, expires_at`;

export type NewTransaction = Omit<TransactionRow, 'status' | 'coins_paid' | 'world_id_nullifier'>;

/**
 * Registers a transaction unless its id exists — with the nonce signed into its rp_context and its
 * `transaction.created` audit event — in ONE statement (issue 18: one round trip, atomic without
 * BEGIN/COMMIT; the foreign keys are checked at the statement's end). True when this call created it
 * (idempotent create, ARCHITECTURE.md); nothing is written when the id exists.
 */
export async function registerTransaction(
  q: Queryable,
  t: NewTransaction,
  o: { nonceExpiresAt: Date; createdEvent: Record<string, unknown> },
): Promise<boolean> {
  const { rows } = await q.query<{ created: number }>(
    `WITH t AS (
       INSERT INTO transactions (id, kiosk_id, amount_cents, fee_cents, total_cents, coins, status, payment_reference,
         rp_nonce, rp_context, created_at, expires_at, updated_at, kind)
       VALUES ($1, $2, $3, $4, $5, $6, 'created', $7, $8, $9, $10, $11, $10, $12)
       ON CONFLICT (id) DO NOTHING RETURNING id),
     nonce AS (INSERT INTO issued_nonces (nonce, transaction_id, expires_at) SELECT $8, id, $13 FROM t),
     created AS (INSERT INTO transaction_events (id, transaction_id, type, data, created_at)
       SELECT $14, id, 'transaction.created', $15::jsonb, $10 FROM t)
     SELECT count(*)::int AS created FROM t`,
    [t.id, t.kiosk_id, t.amount_cents, t.fee_cents, t.total_cents, t.coins, t.payment_reference, t.rp_nonce,
      JSON.stringify(t.rp_context), t.created_at, t.expires_at, t.kind, o.nonceExpiresAt, newId(), JSON.stringify(o.createdEvent)],
  );
  return rows[0]?.created === 1;
}

export async function getTransaction(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<TransactionRow | undefined> {
  const { rows } = await q.query<TransactionRow>(
    `SELECT ${TRANSACTION_COLUMNS} FROM transactions WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

/** Moves a transaction from one of `from` to `to`; false when it was in another state. */
export async function setTransactionStatus(
  q: Queryable,
  t: { id: string; from: TransactionStatus[]; to: TransactionStatus; now: Date; coinsPaid?: number; nullifier?: bigint },
): Promise<boolean> {
  const r = await q.query(
    `UPDATE transactions SET status = $3, updated_at = $4,
       coins_paid = COALESCE($5, coins_paid), world_id_nullifier = COALESCE($6::numeric, world_id_nullifier)
     WHERE id = $1 AND status = ANY($2::text[])`,
    [t.id, t.from, t.to, t.now, t.coinsPaid ?? null, t.nullifier === undefined ? null : t.nullifier.toString()],
  );
  return r.rowCount === 1;
}

/**
 * setTransactionStatus and its audit event in ONE statement (issue 18: round trips): the event is written
 * only when the status moved. Returns the row as it is now, or undefined when it was in another state.
 */
export async function moveTransaction(
  q: Queryable,
  t: { id: string; from: TransactionStatus[]; to: TransactionStatus; now: Date; nullifier?: bigint; event: { type: string; data: Record<string, unknown> } },
): Promise<TransactionRow | undefined> {
  const { rows } = await q.query<TransactionRow>(
    `WITH moved AS (
       UPDATE transactions SET status = $3, updated_at = $4, world_id_nullifier = COALESCE($5::numeric, world_id_nullifier)
        WHERE id = $1 AND status = ANY($2::text[]) RETURNING ${TRANSACTION_COLUMNS}),
     audit AS (INSERT INTO transaction_events (id, transaction_id, type, data, created_at) SELECT $6, id, $7, $8::jsonb, $4 FROM moved)
     SELECT * FROM moved`,
    [t.id, t.from, t.to, t.now, t.nullifier === undefined ? null : t.nullifier.toString(), newId(), t.event.type, JSON.stringify(t.event.data)],
  );
  return rows[0];
}

/** A claim's amount and coins, set when its World ID proof allocated the person's credits (issue 15). */
export async function setClaimAmount(q: Queryable, c: { id: string; coins: number; amountCents: number; now: Date }): Promise<void> {
  await q.query(
    `UPDATE transactions SET coins = $2, amount_cents = $3, total_cents = $3, fee_cents = 0, updated_at = $4
      WHERE id = $1 AND kind = 'claim'`,
    [c.id, c.coins, c.amountCents, c.now],
  );
}

export function toTransactionView(t: TransactionRow): TransactionView {
  return {
    id: t.id,
    kiosk_id: t.kiosk_id,
    kind: t.kind,
    amount_cents: t.amount_cents,
    fee_cents: t.fee_cents,
    total_cents: t.total_cents,
    coins: t.coins,
    status: t.status,
    coins_paid: t.coins_paid,
    created_at: iso(t.created_at),
    expires_at: iso(t.expires_at),
  };
}
