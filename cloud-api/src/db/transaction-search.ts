import type { z } from 'zod';
import type { TransactionSearchFilterShape } from '../../../contract/console-api';
import type { TransactionStatus } from '../../../contract/transaction';
import type { Queryable } from './db';
import { listTransactionEvents } from './events';
import { summariesFor } from './fleet';
import { decodeCursor, pageFrom, type Key } from './keyset-cursor';
import { toTransactionView, type TransactionRow } from './transactions';

/**
 * Transaction search for the console (issue 17): filters by receipt code, id, kiosk, status and a time range,
 * newest first, keyset-paged on (created_at, id) so page N costs what page 1 costs (index transactions_created_id
 * and friends, migration 009). The CSV export walks the same pages.
 */
export type TransactionFilters = { [K in keyof typeof TransactionSearchFilterShape]?: z.output<(typeof TransactionSearchFilterShape)[K]> };

/** The receipt code a customer reads out: the id's last 8 hex digits, upper-case (main/kiosk/cash-out-flow.ts receiptCode). */
export const receiptCodeOf = (id: string): string => id.replace(/-/g, '').slice(-8).toUpperCase();

/** A date (YYYY-MM-DD) is a whole UTC day: `from` its start, `to` inclusive (the next day's start, exclusive). */
function bound(v: string | undefined, end: boolean): Date | null {
  if (!v) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = new Date(`${v}T00:00:00.000Z`);
    return end ? new Date(d.getTime() + 86_400_000) : d;
  }
  return new Date(v);
}

const COLUMNS = `t.id, t.kiosk_id, t.amount_cents, t.fee_cents, t.total_cents, t.coins, t.status, t.coins_paid, t.created_at, t.expires_at`;

export async function searchTransactionRows(q: Queryable, f: TransactionFilters, page: { after?: Key; limit: number }): Promise<TransactionRow[]> {
  const code = f.receipt_code?.replace(/-/g, '').toLowerCase() ?? null;
  const { rows } = await q.query<TransactionRow>(
    `SELECT ${COLUMNS} FROM transactions t
      WHERE ($1::uuid IS NULL OR t.id = $1)
        AND ($2::uuid IS NULL OR t.kiosk_id = $2)
        AND ($3::text IS NULL OR t.status = $3)
        AND ($4::timestamptz IS NULL OR t.created_at >= $4)
        AND ($5::timestamptz IS NULL OR t.created_at < $5)
        AND ($6::text IS NULL OR (length($6) = 8 AND right(replace(t.id::text, '-', ''), 8) = $6)
             OR (length($6) <> 8 AND replace(t.id::text, '-', '') LIKE '%' || $6))
        AND ($7::timestamptz IS NULL OR (t.created_at, t.id) < ($7::timestamptz, $8::uuid))
      ORDER BY t.created_at DESC, t.id DESC LIMIT $9`,
    [f.transaction_id ?? null, f.kiosk_id ?? null, (f.status as TransactionStatus | undefined) ?? null, bound(f.from, false), bound(f.to, true), code,
      page.after?.t ?? null, page.after?.id ?? null, page.limit],
  );
  return rows;
}

/** Rows with payment status and job (one query for the page) and the cloud-side trail (one more). */
export async function decorate(q: Queryable, rows: TransactionRow[]) {
  const ids = rows.map((r) => r.id);
  const [events, summaries] = await Promise.all([listTransactionEvents(q, ids), summariesFor(q, ids)]);
  return rows.map((r) => ({
    ...toTransactionView(r),
    receipt_code: receiptCodeOf(r.id),
    payment_status: summaries.get(r.id)?.payment_status ?? null,
    job: summaries.get(r.id)?.job ?? null,
    events: events.get(r.id) ?? [],
  }));
}

export async function searchTransactions(q: Queryable, f: TransactionFilters & { cursor?: string; limit: number }) {
  const rows = await searchTransactionRows(q, f, { after: f.cursor ? decodeCursor(f.cursor) : undefined, limit: f.limit + 1 });
  const page = pageFrom(rows, f.limit, (r) => ({ t: r.created_at, id: r.id }), (r) => r);
  return { items: await decorate(q, page.items), next_cursor: page.next_cursor };
}
