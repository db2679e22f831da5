import { newId } from '../../../contract/clock';
import { iso, type Queryable } from './db';

/** Append-only audit trail of a transaction (PRODUCT.md: every state change is an audit event). */
export async function addTransactionEvent(
  q: Queryable,
  e: { transactionId: string; type: string; data?: Record<string, unknown>; now: Date },
): Promise<void> {
  await q.query('INSERT INTO transaction_events (id, transaction_id, type, data, created_at) VALUES ($1, $2, $3, $4, $5)', [
    newId(),
    e.transactionId,
    e.type,
    JSON.stringify(e.data ?? {}),
    e.now,
  ]);
}

export interface TransactionEventView {
  type: string;
  data: Record<string, unknown>;
  created_at: string;
}

export async function listTransactionEvents(q: Queryable, transactionIds: string[]): Promise<Map<string, TransactionEventView[]>> {
  const out = new Map<string, TransactionEventView[]>();
  if (transactionIds.length === 0) return out;
  const { rows } = await q.query<{ transaction_id: string; type: string; data: Record<string, unknown>; created_at: Date }>(
    `SELECT transaction_id, type, data, created_at FROM transaction_events
      WHERE transaction_id = ANY($1::uuid[]) ORDER BY created_at, id`,
    [transactionIds],
  );
  for (const r of rows) {
    const list = out.get(r.transaction_id) ?? [];
    list.push({ type: r.type, data: r.data, created_at: iso(r.created_at) });
    out.set(r.transaction_id, list);
  }
  return out;
}
