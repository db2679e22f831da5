import type { JobStatus, SignedJob } from '../../../contract';
import { newId } from '../../../contract/clock';
import { iso, type Queryable } from './db';

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
 * Creates THE dispense job of a transaction. ON CONFLICT (transaction_id) DO NOTHING: a transaction
 * never gets a second job (PRODUCT.md "Money rules"). True when this call created it.
 */
export async function insertJob(q: Queryable, j: SignedJob & { now: Date }): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO dispense_jobs (id, transaction_id, kiosk_id, coins, status, expires_at, signature, kid, created_at)
     VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8) ON CONFLICT (transaction_id) DO NOTHING`,
    [j.id, j.transaction_id, j.kiosk_id, j.coins, j.expires_at, j.signature, j.kid ?? null, j.now],
  );
  return r.rowCount === 1;
}

/**
 * Claims the kiosk's oldest deliverable job under a lease (STYLE.md "graphile-worker": FOR UPDATE SKIP
 * LOCKED): pending, or delivered with its lease run out and never acked. Expired jobs are not delivered.
 * The claim and its `job.delivered` audit event are ONE statement, so one round trip and atomic without
 * BEGIN/COMMIT (issue 18 profile: every long-poll starts with a claim that usually finds nothing).
 */
export async function claimNextJob(q: Queryable, c: { kioskId: string; now: Date; leaseUntil: Date }): Promise<JobRow | undefined> {
  const { rows } = await q.query<JobRow>(
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
     SELECT ${COLUMNS} FROM claimed`,
    [c.kioskId, c.now, c.leaseUntil, newId()],
  );
  return rows[0];
}

/** When the kiosk's earliest running lease ends (a job may come back then), if any. */
export async function nextLeaseEnd(q: Queryable, kioskId: string, now: Date): Promise<Date | undefined> {
  const { rows } = await q.query<{ t: Date | null }>(
    `SELECT min(lease_until) AS t FROM dispense_jobs
      WHERE kiosk_id = $1 AND status = 'delivered' AND lease_until > $2 AND expires_at > $2`,
    [kioskId, now],
  );
  const t = rows[0]?.t;
  return t ? new Date(t) : undefined;
}

export async function getJob(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<JobRow | undefined> {
  const { rows } = await q.query<JobRow>(`SELECT ${COLUMNS} FROM dispense_jobs WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

/** pending/delivered → acked; a job already acked or finished keeps its status (idempotent ack). */
export async function ackJob(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query(`UPDATE dispense_jobs SET status = 'acked', acked_at = $2 WHERE id = $1 AND status IN ('pending','delivered')`, [id, now]);
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
