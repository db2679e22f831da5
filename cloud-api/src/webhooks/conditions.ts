import type { SyncEvent } from '../../../contract';
import type { Db, Queryable } from '../db/db';
import { emitWebhookEvent } from './emit';

/**
 * When each alert is raised (issue 17), each in the DB transaction of its cause. Conditions that last (low coins,
 * a hopper fault, a silent kiosk) are sent once per crossing, never once per heartbeat or per scheduler run: the
 * dedupe key names the heartbeat that crossed, or the last contact the silence started from.
 */

type Heartbeat = Extract<SyncEvent, { type: 'kiosk.heartbeat' }>;
type HeartbeatPayload = Heartbeat['payload'];

/**
 * A heartbeat that replaced the kiosk's latest status (db/sync.ts upsertKioskStatus; `previous` = the status it
 * replaced, null for the kiosk's first): low_coins when coins_available falls below LOW_COINS_THRESHOLD from at or
 * above it (or from nothing known), hopper_fault when hopper_ok turns false. A late heartbeat that changed nothing
 * (`previous` undefined) raises nothing.
 */
export async function heartbeatAlerts(
  q: Queryable,
  kioskId: string,
  e: Heartbeat,
  previous: Partial<HeartbeatPayload> | null | undefined,
  o: { lowCoins: number; now: Date },
): Promise<void> {
  if (previous === undefined) return;
  const p = e.payload;
  const wasLow = previous !== null && typeof previous.coins_available === 'number' && previous.coins_available < o.lowCoins;
  if (p.coins_available < o.lowCoins && !wasLow) {
    const data = { coins_available: p.coins_available, threshold: o.lowCoins, heartbeat_seq: e.seq };
    await emitWebhookEvent(q, { event: 'low_coins', dedupeKey: `low_coins:${kioskId}:${e.seq}`, kioskId, data, now: o.now });
  }
  if (!p.hopper_ok && previous?.hopper_ok !== false) {
    const data = { hopper_ok: false, coins_available: p.coins_available, heartbeat_seq: e.seq };
    await emitWebhookEvent(q, { event: 'hopper_fault', dedupeKey: `hopper_fault:${kioskId}:${e.seq}`, kioskId, data, now: o.now });
  }
}

type PayoutResult = Extract<SyncEvent, { type: 'payout.result' }>;

/**
 * payout_in_doubt from sync: the kiosk's proven payout.result could not be applied (sync-effects.ts flags it:
 * unknown job, coins that do not add up, a job already final with other numbers, coins paid beyond what was owed),
 * so what this customer was paid is in doubt until a person looks. One per flagged event.
 */
export async function payoutResultInDoubt(q: Queryable, kioskId: string, e: PayoutResult, flag: string, now: Date): Promise<void> {
  const p = e.payload;
  const data = { job_id: p.job_id, outcome: p.outcome, coins_ordered: p.coins_ordered, coins_paid: p.coins_paid, coins_unpaid: p.coins_unpaid, seq: e.seq, flag };
  await emitWebhookEvent(q, { event: 'payout_in_doubt', dedupeKey: `payout_in_doubt:${kioskId}:${e.seq}`, kioskId, transactionId: p.transaction_id, data, now });
}

/**
 * payout_in_doubt from expiry: a job the kiosk had received (delivered at least once) ended at its expiry with no
 * payout result; the cloud counts every coin unpaid (an expired_job credit) but the kiosk may have paid some.
 */
export async function expiredJobInDoubt(q: Queryable, job: { id: string; kiosk_id: string; transaction_id: string; coins: number }, now: Date): Promise<void> {
  const data = { job_id: job.id, coins: job.coins, why: 'the kiosk received the job and reported no payout result before it expired' };
  await emitWebhookEvent(q, { event: 'payout_in_doubt', dedupeKey: `payout_in_doubt:job:${job.id}`, kioskId: job.kiosk_id, transactionId: job.transaction_id, data, now });
}

/**
 * kiosk_silent, from the scheduler: every kiosk not revoked whose last contact (last_seen_at, or enrolment) is older
 * than KIOSK_SILENT_SEC, once per silence (key: the last contact in epoch ms; a kiosk that comes back and goes silent
 * again is a new silence). One DB transaction; the key is made in SQL, and only kiosks that some subscribed webhook
 * has not yet been sent for this silence are read, so a long-silent kiosk costs nothing per run. Returns the number
 * of deliveries queued.
 */
export async function silentKioskAlerts(db: Db, now: Date, silentSec: number): Promise<number> {
  return db.tx(async (q) => {
    const { rows } = await q.query<{ id: string; name: string; since: Date; dedupe_key: string }>(
      `WITH silent AS (
         SELECT id, name, COALESCE(last_seen_at, created_at) AS since,
                'kiosk_silent:' || id || ':' || floor(extract(epoch FROM COALESCE(last_seen_at, created_at)) * 1000)::bigint AS dedupe_key
           FROM kiosks
          WHERE revoked_at IS NULL AND COALESCE(last_seen_at, created_at) < $1::timestamptz - make_interval(secs => $2))
       SELECT s.* FROM silent s
        WHERE EXISTS (SELECT 1 FROM webhooks w
                       WHERE w.deleted_at IS NULL AND 'kiosk_silent' = ANY(w.events)
                         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.dedupe_key = s.dedupe_key))`,
      [now, silentSec],
    );
    let queued = 0;
    for (const k of rows) {
      const since = new Date(k.since);
      const data = { name: k.name, last_seen_at: since.toISOString(), silent_sec: Math.floor((now.getTime() - since.getTime()) / 1000), threshold_sec: silentSec };
      queued += await emitWebhookEvent(q, { event: 'kiosk_silent', dedupeKey: k.dedupe_key, kioskId: k.id, data, now });
    }
    return queued;
  });
}
