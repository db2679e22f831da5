import { newId } from '../../../contract/clock';
import type { WebhookEvent } from '../../../contract/console-api';
import { iso, type Queryable } from './db';
import { decodeCursor, pageFrom } from './keyset-cursor';

/**
 * Webhooks and their delivery log (issue 17, migration 009). A webhook is removed by setting deleted_at (its
 * deliveries stay as the log); its signing secret is stored as issued, because every delivery is signed with it
 * (an HMAC key cannot be kept as a hash the way kiosk tokens are), and it is never answered after creation.
 */
export interface WebhookRow {
  id: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  created_at: Date;
  created_by: string;
  deleted_at: Date | null;
}

export const toWebhookView = (w: WebhookRow) => ({ id: w.id, url: w.url, events: w.events, created_at: iso(w.created_at), created_by: w.created_by });

export async function insertWebhook(q: Queryable, w: { url: string; events: WebhookEvent[]; secret: string; by: string; now: Date }): Promise<WebhookRow> {
  const { rows } = await q.query<WebhookRow>(
    'INSERT INTO webhooks (id, url, events, secret, created_at, created_by) VALUES ($1, $2, $3::text[], $4, $5, $6) RETURNING *',
    [newId(), w.url, w.events, w.secret, w.now, w.by],
  );
  return rows[0]!;
}

/** Webhooks not removed, oldest first (a fleet has a handful). */
export async function listWebhooks(q: Queryable): Promise<WebhookRow[]> {
  return (await q.query<WebhookRow>('SELECT * FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id')).rows;
}

/**
 * Removes a webhook: nothing new is queued for it, and its deliveries still pending end `failed` ("webhook removed"),
 * so no instance sends them later. Returns the row, or undefined when there is no such webhook (or it was removed).
 */
export async function removeWebhook(q: Queryable, id: string, now: Date): Promise<{ row: WebhookRow; cancelled: number } | undefined> {
  const { rows } = await q.query<WebhookRow>('UPDATE webhooks SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING *', [id, now]);
  const row = rows[0];
  if (!row) return undefined;
  const r = await q.query(
    "UPDATE webhook_deliveries SET status = 'failed', last_error = 'webhook removed before delivery', next_attempt_at = NULL WHERE webhook_id = $1 AND status = 'pending'",
    [id],
  );
  return { row, cancelled: r.rowCount };
}

export async function webhookExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM webhooks WHERE id = $1', [id])).rows.length > 0;
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: WebhookEvent;
  dedupe_key: string;
  body: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
}

const isoOrNull = (v: Date | null) => (v === null ? null : iso(v));
export const toDeliveryView = (d: DeliveryRow) => ({
  id: d.id, webhook_id: d.webhook_id, event: d.event, body: d.body, status: d.status, attempts: d.attempts,
  last_status_code: d.last_status_code, last_error: d.last_error, next_attempt_at: isoOrNull(d.next_attempt_at),
  created_at: iso(d.created_at), delivered_at: isoOrNull(d.delivered_at),
});

/** A webhook's delivery log, newest first, keyset-paged on (created_at, id) (index webhook_deliveries_webhook). */
export async function listDeliveries(q: Queryable, webhookId: string, o: { cursor?: string; limit: number }) {
  const after = o.cursor ? decodeCursor(o.cursor) : undefined;
  const { rows } = await q.query<DeliveryRow>(
    `SELECT * FROM webhook_deliveries
      WHERE webhook_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $4`,
    [webhookId, after?.t ?? null, after?.id ?? null, o.limit + 1],
  );
  return pageFrom(rows, o.limit, (r) => ({ t: r.created_at, id: r.id }), toDeliveryView);
}

export type ClaimedDelivery = DeliveryRow & { url: string; secret: string };

/**
 * Claims due pending deliveries for ONE sender across every cloud instance (issue 18, like claimDuePayments): the
 * rows are locked FOR UPDATE SKIP LOCKED (another instance's claim in flight is skipped, never waited for) and
 * their next_attempt_at moved to `claimUntil`, so no other instance sees them due until this one has recorded its
 * attempt, or — if it died mid-send — until the claim runs out (then the attempt is made again: at least once).
 */
export async function claimDueDeliveries(q: Queryable, c: { now: Date; claimUntil: Date; limit: number }): Promise<ClaimedDelivery[]> {
  const { rows } = await q.query<ClaimedDelivery>(
    `UPDATE webhook_deliveries d SET next_attempt_at = $2
       FROM webhooks w
      WHERE w.id = d.webhook_id AND d.id IN (
        SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING d.*, w.url, w.secret`,
    [c.now, c.claimUntil, c.limit],
  );
  return rows;
}

/**
 * Records one attempt of a claimed delivery: delivered, retried at `nextAttemptAt`, or failed for good. Only while
 * it is still pending with the attempt count the sender claimed it at, so a sender whose claim ran out cannot
 * overwrite the newer attempt of another. Returns whether it was recorded.
 */
export async function recordAttempt(
  q: Queryable,
  a: { id: string; claimedAttempts: number; outcome: 'delivered' | 'pending' | 'failed'; statusCode: number | null; error: string | null; nextAttemptAt: Date | null; now: Date },
): Promise<boolean> {
  const r = await q.query(
    `UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1, last_status_code = $4, last_error = $5,
            next_attempt_at = $6, delivered_at = CASE WHEN $3 = 'delivered' THEN $7::timestamptz ELSE NULL END
      WHERE id = $1 AND status = 'pending' AND attempts = $2`,
    [a.id, a.claimedAttempts, a.outcome, a.statusCode, a.error?.slice(0, 500) ?? null, a.nextAttemptAt, a.now],
  );
  return r.rowCount === 1;
}
