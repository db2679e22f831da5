import { iso, type Queryable } from './db';
import { toKioskEventView, type KioskEventRow } from './kiosk-list';
import { decorate } from './transaction-search';
import { getTransaction } from './transactions';
import { creditsOfTransaction } from './credits';

/**
 * One transaction's whole trail for the console (issue 17): the cloud's events, the kiosk's synced events about it
 * (by transaction id, or its job's id), its job, payments and credits.
 */
export async function transactionDetail(q: Queryable, id: string) {
  const t = await getTransaction(q, id);
  if (!t) return undefined;
  const [item] = await decorate(q, [t]);
  if (!item) return undefined;
  const jobId = item.job?.id ?? null;
  const [kioskEvents, payments, credits] = await Promise.all([
    q.query<KioskEventRow>(
      `SELECT seq, type, payload, occurred_at, received_at, flagged FROM kiosk_events
        WHERE kiosk_id = $1 AND (payload->>'transaction_id' = $2 OR ($3::text IS NOT NULL AND payload->>'job_id' = $3)) ORDER BY seq`,
      [t.kiosk_id, id, jobId],
    ),
    q.query<{ id: string; status: string; portal_status: string | null; amount_cents: number; token: string; check_count: number; created_at: Date; confirmed_at: Date | null }>(
      `SELECT id, status, portal_status, amount_cents, token, check_count, created_at, confirmed_at FROM payments WHERE transaction_id = $1 ORDER BY created_at`,
      [id],
    ),
    creditsOfTransaction(q, id),
  ]);
  const { events, ...transaction } = item;
  return {
    transaction: { ...transaction, events },
    cloud_events: events,
    kiosk_events: kioskEvents.rows.map(toKioskEventView),
    job: item.job,
    payments: payments.rows.map((p) => ({ ...p, created_at: iso(p.created_at), confirmed_at: p.confirmed_at ? iso(p.confirmed_at) : null })),
    // Issue 15: the credit this transaction opened (its source), or the credits a claim collects, each with its audit trail.
    credits: credits as Array<Record<string, unknown>>,
  };
}
