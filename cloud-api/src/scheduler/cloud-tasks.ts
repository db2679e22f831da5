import type { Queryable } from '../db/db';
import { JOBS_CHANNEL, notifyTx, type Db } from '../db/db';
import { addTransactionEvent } from '../db/events';
import { EXPIRED_JOB_REASON, getJob } from '../db/jobs';
import { getTransaction, setTransactionStatus } from '../db/transactions';
import { creditJobEnd } from '../job-credits';
import { expiredJobInDoubt } from '../webhooks/conditions';

/**
 * The cloud's scheduled work (issue 4 "in the cloud, expiring unpaid transactions, returning expired
 * leases, retention"). Each task is one DB transaction, takes `now` from the caller's injected Clock,
 * and writes an audit event for every transaction it changes (PRODUCT.md "Money rules").
 */

/** created/verified past expires_at → expired (never a paid one: its job decides). Returns the ids. */
export async function expireUnpaidTransactions(db: Db, now: Date): Promise<string[]> {
  return db.tx(async (q) => {
    const { rows } = await q.query<{ id: string }>(
      `UPDATE transactions SET status = 'expired', updated_at = $1
        WHERE status IN ('created','verified') AND expires_at <= $1
        RETURNING id`,
      [now],
    );
    for (const r of rows) await addTransactionEvent(q, { transactionId: r.id, type: 'transaction.expired', data: { by: 'cloud' }, now });
    return rows.map((r) => r.id);
  });
}

/**
 * Issue 15: a job past its expires_at with no payout result (never delivered, delivered, or acked and
 * not reported) ends `failed` with every coin unpaid (result_reason EXPIRED_JOB_REASON), its
 * transaction `failed`, and — in the same DB transaction — a cash-out's coins become its `expired_job`
 * credit, a claim's allocations return to open. No kiosk is handed an expired job (claimNextJob), and
 * the kiosk checks expiry before it admits one. The rule for a kiosk that received the job just before
 * expiry and reports later: its proven payout.result still applies (jobs.ts finishJob) and ADJUSTS the
 * credit to the proven shortfall (db/credits.ts adjustCredit), never a second credit. A job the kiosk had
 * received is also a payout_in_doubt alert (issue 17): it may have paid coins the cloud now counts as owed. Returns the ids.
 */
export async function expireJobs(db: Db, now: Date): Promise<string[]> {
  return db.tx(async (q) => {
    const { rows } = await q.query<{ id: string; delivered_count: number }>(
      `UPDATE dispense_jobs SET status = 'failed', coins_paid = 0, coins_unpaid = coins, result_reason = $2, finished_at = $1
        WHERE status IN ('pending','delivered','acked') AND expires_at <= $1
        RETURNING id, delivered_count`,
      [now, EXPIRED_JOB_REASON],
    );
    for (const { id, delivered_count } of rows) {
      const job = await getJob(q, id);
      if (!job) continue;
      if (delivered_count > 0) await expiredJobInDoubt(q, job, now);
      await setTransactionStatus(q, { id: job.transaction_id, from: ['paid', 'dispensing'], to: 'failed', now, coinsPaid: 0 });
      await addTransactionEvent(q, { transactionId: job.transaction_id, type: 'job.expired', data: { job_id: job.id, by: 'cloud' }, now });
      const t = await getTransaction(q, job.transaction_id, { forUpdate: true });
      if (!t) continue;
      await creditJobEnd(q, { job, transaction: t, coinsPaid: 0, coinsUnpaid: job.coins, reason: 'expired_job', late: false, actor: 'cloud', now });
    }
    return rows.map((r) => r.id);
  });
}

/**
 * A delivered job whose lease ran out without an ack goes back to pending, and the kiosk's long-poll
 * is woken (NOTIFY at commit), so redelivery does not wait for the poller to look again.
 */
export async function returnExpiredLeases(db: Db, now: Date): Promise<string[]> {
  return db.tx(async (q) => {
    const { rows } = await q.query<{ id: string; kiosk_id: string; transaction_id: string }>(
      `UPDATE dispense_jobs SET status = 'pending', lease_until = NULL
        WHERE status = 'delivered' AND lease_until <= $1 AND expires_at > $1
        RETURNING id, kiosk_id, transaction_id`,
      [now],
    );
    for (const r of rows) await addTransactionEvent(q, { transactionId: r.transaction_id, type: 'job.lease_expired', data: { job_id: r.id }, now });
    for (const kiosk of new Set(rows.map((r) => r.kiosk_id))) await notifyTx(q, JOBS_CHANNEL, kiosk);
    return rows.map((r) => r.id);
  });
}

/**
 * Retention: heartbeats received more than `days` ago are deleted once they are below the kiosk's
 * high-water mark (so the answer to /v1/sync never goes backwards) and not flagged. Every other kiosk
 * event is the audit record and is kept.
 */
export async function pruneKioskHeartbeats(q: Queryable, now: Date, days: number): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const r = await q.query(
    `DELETE FROM kiosk_events e USING kiosk_sync_state s
      WHERE e.kiosk_id = s.kiosk_id AND e.seq <= s.high_seq
        AND e.type = 'kiosk.heartbeat' AND e.flagged IS NULL AND e.received_at < $1`,
    [cutoff],
  );
  return r.rowCount;
}

/** Run claims (run-claims.ts) older than two days: no instance asks about a firing that old. */
export async function pruneRunClaims(q: Queryable, now: Date): Promise<number> {
  const r = await q.query('DELETE FROM scheduled_runs WHERE claimed_at < $1', [new Date(now.getTime() - 2 * 86_400_000)]);
  return r.rowCount;
}

