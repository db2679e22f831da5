import type { RpContext, TransactionKind, TransactionMoneyColumns, TransactionStatus, TransactionView } from '../../../contract';
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

const COLUMNS = `id, kiosk_id, kind, amount_cents, fee_cents, total_cents, coins, status, coins_paid, payment_reference,
  rp_nonce, rp_context, world_id_nullifier::text AS world_id_nullifier, created_at, expires_at`;

export type NewTransaction = Omit<TransactionRow, 'status' | 'coins_paid' | 'world_id_nullifier'>;

/** Inserts unless the id exists; true when this call created it (idempotent create, ARCHITECTURE.md). */
export async function insertTransaction(q: Queryable, t: NewTransaction): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO transactions (id, kiosk_id, amount_cents, fee_cents, total_cents, coins, status, payment_reference,
       rp_nonce, rp_context, created_at, expires_at, updated_at, kind)
     VALUES ($1, $2, $3, $4, $5, $6, 'created', $7, $8, $9, $10, $11, $10, $12)
     ON CONFLICT (id) DO NOTHING`,
    [t.id, t.kiosk_id, t.amount_cents, t.fee_cents, t.total_cents, t.coins, t.payment_reference, t.rp_nonce,
      JSON.stringify(t.rp_context), t.created_at, t.expires_at, t.kind],
  );
  return r.rowCount === 1;
}

export async function getTransaction(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<TransactionRow | undefined> {
  const { rows } = await q.query<TransactionRow>(
    `SELECT ${COLUMNS} FROM transactions WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
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
