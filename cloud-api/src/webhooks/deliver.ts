import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../../contract/clock';
import { backoffCeilingMs } from '../../../contract/backoff';
import {
  WEBHOOK_BACKOFF,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_SIGNATURE_PREFIX,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_TIMEOUT_MS,
  webhookSignedString,
} from '../../../contract/console-api';
import type { Db } from '../db/db';
import { claimDueDeliveries, recordAttempt, type ClaimedDelivery } from '../db/webhooks';
import { WEBHOOKS_CHANNEL } from './emit';

/**
 * The webhook sender (issue 17). Every cloud instance runs it; each due delivery is claimed by one
 * (db/webhooks.ts claimDueDeliveries: SKIP LOCKED + a claim that outlives the send), so N instances send it
 * once. It wakes on the NOTIFY an emit queues at COMMIT (webhooks/emit.ts) and otherwise every `intervalMs`
 * (retries fall due by time). The rules (signature, timeout, backoff, attempts) are contract/console-api.ts's.
 */

/** A claimed delivery is not due again for this long: longer than a send can take (WEBHOOK_TIMEOUT_MS). */
export const DELIVERY_CLAIM_MS = 60_000;

export interface WebhookSenderDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` (contract/console-api.ts). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return WEBHOOK_SIGNATURE_PREFIX + createHmac('sha256', secret).update(webhookSignedString(timestamp, body), 'utf8').digest('hex');
}

/** When attempt number `attempts` (1-based, just failed) is retried, or null when it was the last. */
export function nextAttemptAt(attempts: number, now: Date): Date | null {
  if (attempts >= WEBHOOK_MAX_ATTEMPTS) return null;
  return new Date(now.getTime() + backoffCeilingMs(attempts - 1, WEBHOOK_BACKOFF));
}

type Attempt = { ok: true; status: number } | { ok: false; status: number | null; error: string };

function describeError(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`;
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const msg = err instanceof Error ? err.message : String(err);
  return code ? `${msg} (${code})` : msg;
}

async function post(d: ClaimedDelivery, deps: WebhookSenderDeps): Promise<Attempt> {
  const body = JSON.stringify(d.body);
  const timestamp = String(Math.floor(deps.clock.now().getTime() / 1000));
  try {
    const res = await (deps.fetch ?? fetch)(d.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'RoluATM-Webhooks/1',
        [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(d.secret, timestamp, body),
        [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
        [WEBHOOK_EVENT_HEADER]: d.event,
        [WEBHOOK_DELIVERY_HEADER]: d.id,
      },
      body,
    });
    await res.body?.cancel().catch(() => undefined);
    return res.status >= 200 && res.status < 300 ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, status: null, error: describeError(err) };
  }
}

async function attempt(d: ClaimedDelivery, deps: WebhookSenderDeps): Promise<'delivered' | 'pending' | 'failed'> {
  const r = await post(d, deps);
  const now = deps.clock.now();
  const attempts = d.attempts + 1;
  const next = r.ok ? null : nextAttemptAt(attempts, now);
  const outcome = r.ok ? 'delivered' : next ? 'pending' : 'failed';
  const recorded = await recordAttempt(deps.db, {
    id: d.id, claimedAttempts: d.attempts, outcome, statusCode: r.status, error: r.ok ? null : r.error, nextAttemptAt: next, now,
  });
  const line = { delivery: d.id, webhook: d.webhook_id, event: d.event, attempts, status: r.status, recorded };
  if (r.ok) deps.log.info(line, 'webhook delivered');
  else deps.log.warn({ ...line, error: r.error, next_attempt_at: next }, outcome === 'failed' ? 'webhook delivery failed for good' : 'webhook delivery failed; retried later');
  return outcome;
}

/** Sends every due delivery this instance can claim (batches of `limit`, sent concurrently). Returns the outcomes. */
export async function deliverDueWebhooks(deps: WebhookSenderDeps, limit = 10): Promise<Array<'delivered' | 'pending' | 'failed'>> {
  const outcomes: Array<'delivered' | 'pending' | 'failed'> = [];
  for (;;) {
    const now = deps.clock.now();
    const due = await claimDueDeliveries(deps.db, { now, claimUntil: new Date(now.getTime() + DELIVERY_CLAIM_MS), limit });
    if (due.length === 0) return outcomes;
    outcomes.push(...(await Promise.all(due.map((d) => attempt(d, deps)))));
    if (due.length < limit) return outcomes;
  }
}

export interface WebhookSender {
  /** Runs a pass now (after the one under way); resolves when it has finished. */
  kick(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs deliverDueWebhooks on each NOTIFY and every `intervalMs`, one pass at a time, until stop(). */
export function startWebhookSender(deps: WebhookSenderDeps, intervalMs = 2000): WebhookSender {
  let running: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined; // a pass waiting behind the running one: later kicks join it
  let stopped = false;
  const kick = (): Promise<void> => {
    if (stopped) return running;
    queued ??= running = running
      .then(() => {
        queued = undefined;
        return deliverDueWebhooks(deps);
      })
      .then(
        () => undefined,
        (err: unknown) => deps.log.warn({ err }, 'webhook sender pass failed; tried again at the next'),
      );
    return queued;
  };
  const timer = setInterval(() => void kick(), intervalMs);
  timer.unref();
  const unlisten = deps.db.listen
    ? deps.db.listen(WEBHOOKS_CHANNEL, () => void kick()).catch((err: unknown) => {
        deps.log.warn({ err }, 'LISTEN for webhooks failed; deliveries wait for the next period');
        return undefined;
      })
    : Promise.resolve(undefined);
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await (await unlisten)?.().catch(() => undefined);
      await running;
    },
  };
}
