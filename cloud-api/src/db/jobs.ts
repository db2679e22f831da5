import type { JobStatus, SignedJob } from '../../../contract';
import { newId } from '../../../contract/clock';
import { iso, type Queryable } from './db';
import { TRANSACTION_COLUMNS, type TransactionRow } from './transactions';

export interface JobRow {
  id: string;
  transaction_id: string;
  kiosk_id: string;
  coins: number;
  status: JobStatus;
  expires_at: Date;
  signature: string;
  /** The job key that signed (NULL before key ids, migration 008). */
  kid: string | null;
  coins_paid: number | null;
  result_reason: string | null;
}

const COLUMNS = 'id, transaction_id, kiosk_id, coins, status, expires_at, signature, kid, coins_paid, result_reason';

/**
 * verified → paid, its `transaction.paid` event, THE job (ON CONFLICT (transaction_id) DO NOTHING: never a
 * second one), its `job.created` event and the NOTIFY on `channel` (delivered at COMMIT) — ONE statement
 * (issue 18: it was six round trips). Nothing is written when the transaction is not `verified`; the
 * job, its event and the NOTIFY only when this call created the job. `paid` = the row as it is now.
 */
export async function payWithJob(
  q: Queryable,
  p: { job: SignedJob; now: Date; paidData: Record<string, unknown>; channel: string },
): Promise<{ paid: TransactionRow | undefined; jobCreated: boolean }> {
  const j = p.job;
  const { rows } = await q.query<TransactionRow & { jobs_created: number }>(
    `WITH paid AS (
       UPDATE transactions SET status = 'paid', updated_at = $2 WHERE id = $1 AND status = 'verified'
       RETURNING ${TRANSACTION_COLUMNS}),
     paid_event AS (
       INSERT INTO transaction_events (id, transaction_id, type, data, created_at) SELECT $3, id, 'transaction.paid', $4::jsonb, $2 FROM paid),
     job AS (
       INSERT INTO dispense_jobs (id, transaction_id, kiosk_id, coins, status, expires_at, signature, kid, created_at)
       SELECT $5, id, $6, $7, 'pending', $8, $9, $10, $2 FROM paid
       ON CONFLICT (transaction_id) DO NOTHING RETURNING id, transaction_id, kiosk_id, coins),
     job_event AS (
       INSERT INTO transaction_events (id, transaction_id, type, data, created_at)
       SELECT $11, transaction_id, 'job.created', jsonb_build_object('job_id', id, 'coins', coins), $2 FROM job)
     SELECT paid.*, (SELECT count(*) FROM (SELECT pg_notify($12, kiosk_id::text) FROM job) n)::int AS jobs_created FROM paid`,
    [j.transaction_id, p.now, newId(), JSON.stringify(p.paidData), j.id, j.kiosk_id, j.coins, j.expires_at, j.signature, j.kid ?? null, newId(), p.channel],
  );
  const row = rows[0];
  if (!row) return { paid: undefined, jobCreated: false };
  const { jobs_created: created, ...paid } = row;
  return { paid, jobCreated: created === 1 };
}

/**
 * Claims the kiosk's oldest deliverable job under a lease (STYLE.md "graphile-worker": FOR UPDATE SKIP
 * LOCKED): pending, or delivered with its lease run out and never acked. Expired jobs are not delivered.
 * The claim, its `job.delivered` audit event and — for a look that claims nothing — when the kiosk's
 * earliest running lease ends (a job may come back then) are ONE statement, so one round trip and atomic
 * without BEGIN/COMMIT (issue 18 profile: every long-poll starts with a claim that usually finds nothing).
 */
export async function claimNextJob(q: Queryable, c: { kioskId: string; now: Date; leaseUntil: Date }): Promise<{ job?: JobRow; nextLeaseEnd?: Date }> {
  const { rows } = await q.query<Partial<JobRow> & { next_lease_end: Date | null }>(
    `WITH claimed AS (
       UPDATE dispense_jobs SET status = 'delivered', lease_until = $3, delivered_count = delivered_count + 1
        WHERE id = (
          SELECT id FROM dispense_jobs
           WHERE kiosk_id = $1 AND expires_at > $2
             AND (status = 'pending' OR (status = 'delivered' AND lease_until <= $2))
           ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}),
     delivered AS (
       INSERT INTO transaction_events (id, transaction_id, type, data, created_at)
       SELECT $4, transaction_id, 'job.delivered', jsonb_build_object('job_id', id), $2 FROM claimed)
     SELECT claimed.*,
            (SELECT min(lease_until) FROM dispense_jobs
              WHERE kiosk_id = $1 AND status = 'delivered' AND lease_until > $2 AND expires_at > $2) AS next_lease_end
       FROM (VALUES (1)) AS one LEFT JOIN claimed ON true`,
    [c.kioskId, c.now, c.leaseUntil, newId()],
  );
  const { next_lease_end: leaseEnd, ...job } = rows[0] ?? { next_lease_end: null };
  if (job.id) return { job: job as JobRow };
  return leaseEnd ? { nextLeaseEnd: new Date(leaseEnd) } : {};
}

export async function getJob(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<JobRow | undefined> {
  const { rows } = await q.query<JobRow>(`SELECT ${COLUMNS} FROM dispense_jobs WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

/**
 * The kiosk's ack: pending/delivered → acked with its `job.acked` event, ONE statement (issue 18: it was a
 * BEGIN, a locking read, the update, the event and COMMIT). A job already acked or finished keeps its
 * status and is answered with it (idempotent ack); undefined when it is not this kiosk's job.
 */
export async function ackJob(q: Queryable, a: { id: string; kioskId: string; now: Date }): Promise<JobStatus | undefined> {
  const ack = () => q.query<{ status: JobStatus; acked: boolean }>(
    `WITH acked AS (
       UPDATE dispense_jobs SET status = 'acked', acked_at = $3
        WHERE id = $1 AND kiosk_id = $2 AND status IN ('pending','delivered') RETURNING transaction_id),
     audit AS (
       INSERT INTO transaction_events (id, transaction_id, type, data, created_at)
       SELECT $4, transaction_id, 'job.acked', jsonb_build_object('job_id', $5::text), $3 FROM acked)
     SELECT j.status, EXISTS (SELECT 1 FROM acked) AS acked FROM dispense_jobs j WHERE j.id = $1 AND j.kiosk_id = $2`,
    [a.id, a.kioskId, a.now, newId(), a.id],
  );
  const row = (await ack()).rows[0];
  if (!row) return undefined;
  if (row.acked) return 'acked';
  // Not acked by this statement although its snapshot saw it pending/delivered: another statement changed
  // it meanwhile (a concurrent ack): answer what it is now.
  if (row.status === 'pending' || row.status === 'delivered') return (await ack()).rows[0]?.status;
  return row.status;
}

/** result_reason of a job the cloud ended at its expiry without a result (cloud-tasks.ts expireJobs). */
export const EXPIRED_JOB_REASON = 'expired without a payout result';

/**
 * Records what the hopper's counters proved; only from a non-final state — or over the cloud's own
 * "expired without a result" (issue 15: a kiosk that got the job just before expiry reports later, and
 * its proven result replaces the assumption that nothing was paid).
 */
export async function finishJob(
  q: Queryable,
  f: { id: string; status: 'completed' | 'partial' | 'failed'; coinsPaid: number; coinsUnpaid: number; reason?: string; now: Date },
): Promise<boolean> {
  const r = await q.query(
    `UPDATE dispense_jobs SET status = $2, coins_paid = $3, coins_unpaid = $4, result_reason = $5, finished_at = $6
      WHERE id = $1 AND (status IN ('pending','delivered','acked') OR (status = 'failed' AND coins_paid = 0 AND result_reason = $7))`,
    [f.id, f.status, f.coinsPaid, f.coinsUnpaid, f.reason ?? null, f.now, EXPIRED_JOB_REASON],
  );
  return r.rowCount === 1;
}

export function toSignedJob(j: JobRow): SignedJob {
  return {
    id: j.id,
    transaction_id: j.transaction_id,
    kiosk_id: j.kiosk_id,
    coins: j.coins,
    expires_at: iso(j.expires_at),
    ...(j.kid === null ? {} : { kid: j.kid }),
    signature: j.signature,
  };
}
