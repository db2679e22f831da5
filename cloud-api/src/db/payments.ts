import { newId } from '../../../contract/clock';
import type { Queryable } from './db';

export type PaymentRowStatus = 'pending' | 'confirmed' | 'failed' | 'duplicate';

export interface PaymentRow {
  id: string;
  transaction_id: string;
  world_app_transaction_id: string;
  status: PaymentRowStatus;
  portal_status: 'pending' | 'mined' | 'failed' | null;
  check_count: number;
  next_check_at: Date | null;
}

const COLUMNS = 'id, transaction_id, world_app_transaction_id, status, portal_status, check_count, next_check_at';

export async function getPaymentByWorldAppId(q: Queryable, worldAppTxId: string): Promise<PaymentRow | undefined> {
  const { rows } = await q.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE world_app_transaction_id = $1`, [worldAppTxId]);
  return rows[0];
}

export async function hasConfirmedPayment(q: Queryable, transactionId: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM payments WHERE transaction_id = $1 AND status = $2', [transactionId, 'confirmed']);
  return rows.length > 0;
}

/**
 * The payment as the kiosk's status poll sees it (issue 15): confirmed when one payment is confirmed
 * (a duplicate counts as paid too), else pending while one is still being confirmed, else failed when
 * one failed, else none.
 */
export async function paymentStateOf(q: Queryable, transactionId: string): Promise<'none' | 'pending' | 'confirmed' | 'failed'> {
  const { rows } = await q.query<{ status: PaymentRowStatus }>('SELECT DISTINCT status FROM payments WHERE transaction_id = $1', [transactionId]);
  const seen = new Set(rows.map((r) => r.status));
  if (seen.has('confirmed') || seen.has('duplicate')) return 'confirmed';
  if (seen.has('pending')) return 'pending';
  return seen.has('failed') ? 'failed' : 'none';
}

export interface PaymentCheck {
  transactionId: string;
  worldAppTxId: string;
  reference: string;
  recipient: string;
  token: 'USDC' | 'WLD';
  tokenAmount: bigint;
  amountCents: number;
  status: PaymentRowStatus;
  portalStatus: 'pending' | 'mined' | 'failed';
  nextCheckAt: Date | null;
  now: Date;
}

/**
 * Records one look at the portal: inserts the payment on first sight, else updates a row that is still
 * pending (a final row never changes). Returns the row as it now is and whether this call wrote it, or
 * undefined when the World App id belongs to another transaction (the caller refuses it).
 */
export async function recordPaymentCheck(q: Queryable, c: PaymentCheck): Promise<{ row: PaymentRow; changed: boolean } | undefined> {
  const confirmedAt = c.status === 'confirmed' ? c.now : null;
  const written = await q.query(
    `INSERT INTO payments (id, transaction_id, world_app_transaction_id, reference, recipient, token, token_amount, amount_cents,
       status, portal_status, check_count, checked_at, next_check_at, confirmed_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8, $9, $10, 1, $11, $12, $13, $11)
     ON CONFLICT (world_app_transaction_id) DO UPDATE
       SET status = EXCLUDED.status, portal_status = EXCLUDED.portal_status, check_count = payments.check_count + 1,
           checked_at = EXCLUDED.checked_at, next_check_at = EXCLUDED.next_check_at, confirmed_at = EXCLUDED.confirmed_at
     WHERE payments.transaction_id = EXCLUDED.transaction_id AND payments.status = 'pending'
     RETURNING id`,
    [newId(), c.transactionId, c.worldAppTxId, c.reference, c.recipient, c.token, c.tokenAmount.toString(), c.amountCents,
      c.status, c.portalStatus, c.now, c.nextCheckAt, confirmedAt],
  );
  const row = await getPaymentByWorldAppId(q, c.worldAppTxId);
  return row && row.transaction_id === c.transactionId ? { row, changed: written.rows.length === 1 } : undefined;
}

/**
 * Stores a World App id the mini app reported, before the portal is asked (issue 14): pending, never
 * checked, due for the re-checker at `nextCheckAt`. Returns its id, or null when the id is already stored.
 */
export async function insertPendingPayment(
  q: Queryable,
  p: Omit<PaymentCheck, 'status' | 'portalStatus' | 'nextCheckAt'> & { nextCheckAt: Date },
): Promise<string | null> {
  const id = newId();
  const { rows } = await q.query(
    `INSERT INTO payments (id, transaction_id, world_app_transaction_id, reference, recipient, token, token_amount, amount_cents,
       status, portal_status, check_count, next_check_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8, 'pending', NULL, 0, $9, $10)
     ON CONFLICT (world_app_transaction_id) DO NOTHING RETURNING id`,
    [id, p.transactionId, p.worldAppTxId, p.reference, p.recipient, p.token, p.tokenAmount.toString(), p.amountCents, p.nextCheckAt, p.now],
  );
  return rows.length === 1 ? id : null;
}

/** Removes a stored id the portal definitely refused, while it is still pending and never checked. */
export async function deleteUncheckedPayment(q: Queryable, id: string): Promise<void> {
  await q.query("DELETE FROM payments WHERE id = $1 AND status = 'pending' AND check_count = 0", [id]);
}

/**
 * Claims pending payments whose next check is due, oldest first, for ONE re-checker across every cloud
 * instance (issue 18): the due rows are locked FOR UPDATE SKIP LOCKED (another instance's claim in
 * flight is skipped, never waited for) and their next_check_at moved to `claimUntil`, so no other
 * instance sees them due until this one has recorded its check (which sets the backoff's next time) or,
 * if it died or the portal was down, until the claim runs out.
 */
export async function claimDuePayments(
  q: Queryable,
  c: { now: Date; claimUntil: Date; limit: number },
): Promise<Array<{ transaction_id: string; world_app_transaction_id: string }>> {
  const { rows } = await q.query<{ transaction_id: string; world_app_transaction_id: string }>(
    `UPDATE payments SET next_check_at = $2
      WHERE id IN (
        SELECT id FROM payments
         WHERE status = 'pending' AND next_check_at IS NOT NULL AND next_check_at <= $1
         ORDER BY next_check_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING transaction_id, world_app_transaction_id`,
    [c.now, c.claimUntil, c.limit],
  );
  return rows;
}
