import { newId } from '../../../contract/clock';
import type { WebhookBody, WebhookEvent } from '../../../contract/console-api';
import { notifyTx, type Queryable } from '../db/db';

/** NOTIFY channel that wakes the delivery workers (webhooks/deliver.ts) when a commit queued deliveries. */
export const WEBHOOKS_CHANNEL = 'roluatm_webhooks';

export interface WebhookCause {
  event: WebhookEvent;
  /**
   * Names the condition, so the same condition is sent once per webhook (UNIQUE (webhook_id, dedupe_key)), e.g.
   * `credit_opened:<credit id>`, `low_coins:<kiosk>:<heartbeat seq that crossed>`, `kiosk_silent:<kiosk>:<last seen ms>`.
   */
  dedupeKey: string;
  kioskId: string | null;
  transactionId?: string | null;
  data: Record<string, unknown>;
  now: Date;
}

/**
 * The one way an alert is raised (issue 17): one pending delivery per live webhook subscribed to the event, written
 * with the caller's Queryable — inside the DB transaction that records the cause, so an alert exists exactly when its
 * cause committed — and due at once. A condition already queued for a webhook is skipped. Wakes the workers at COMMIT.
 * Returns how many deliveries were queued.
 */
export async function emitWebhookEvent(q: Queryable, c: WebhookCause): Promise<number> {
  // FOR SHARE: a webhook being removed meanwhile waits for this commit, then ends these deliveries too (db/webhooks.ts
  // removeWebhook), so nothing is ever sent to a removed webhook; emits never wait for each other.
  const { rows: hooks } = await q.query<{ id: string }>('SELECT id FROM webhooks WHERE deleted_at IS NULL AND $1 = ANY(events) FOR SHARE', [c.event]);
  if (hooks.length === 0) return 0;
  const body: WebhookBody = { id: newId(), event: c.event, occurred_at: c.now.toISOString(), kiosk_id: c.kioskId, transaction_id: c.transactionId ?? null, data: c.data };
  const r = await q.query(
    `INSERT INTO webhook_deliveries (id, webhook_id, event, dedupe_key, body, status, attempts, next_attempt_at, created_at)
     SELECT d, w, $3, $4, $5::jsonb, 'pending', 0, $6, $6 FROM unnest($1::uuid[], $2::uuid[]) AS u(d, w)
     ON CONFLICT (webhook_id, dedupe_key) DO NOTHING`,
    [hooks.map(() => newId()), hooks.map((h) => h.id), c.event, c.dedupeKey, JSON.stringify(body), c.now],
  );
  if (r.rowCount > 0) await notifyTx(q, WEBHOOKS_CHANNEL, c.event);
  return r.rowCount;
}
