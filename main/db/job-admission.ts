import type { Clock } from '../../contract/clock';
import type { SignedJob } from '../../contract/job';
import { appendEvent } from './events';
import { getJob, receiveJob, type JobRow } from './jobs';
import { appendOutbox } from './outbox';
import { getTransaction } from './transactions';
import type { KioskDb } from './open-db';

/**
 * The presence rule (issue 15, "The presence rule"): a dispense job pays out only into the live
 * session that asked for it — its transaction is the one on this kiosk's screen, in a state that
 * waits for the job (`awaitsJob`, asked of the cash-out flow), and still open in the journal
 * (created/verified: not cancelled, expired or cancelled by a restart). The decision and its record
 * are ONE SQLite transaction, and `awaitsJob` is synchronous, so a customer's cancel (also one SQLite
 * transaction, cash-out-flow.ts) and a job's arrival cannot both win.
 *
 * Any other job is acknowledged and recorded in jobs_not_presented with a `job.not_presented`
 * outbox row; it is never paid. Restart rule: the session lives only in memory, so a job for a
 * transaction from before a restart is never paid here (the customer who asked for it is gone;
 * start-up cancelled the transaction) — the cloud records its amount as owed.
 */
export interface NotPresentedJobRow {
  id: string;
  transaction_id: string;
  coins: number;
  expires_at: string;
  reason: string;
  received_at: string;
}

export type Admission =
  | { kind: 'new'; job: JobRow }
  | { kind: 'known'; job: JobRow }
  | { kind: 'not_presented'; job: NotPresentedJobRow; repeated: boolean };

const WAITS_FOR_JOB = new Set(['created', 'verified']);

export function getNotPresentedJob(db: KioskDb, id: string): NotPresentedJobRow | undefined {
  return db.prepare('SELECT * FROM jobs_not_presented WHERE id = ?').get(id) as NotPresentedJobRow | undefined;
}

/** Decides and records, in one SQLite transaction, whether a checked job is paid here (see above). */
export function admitJob(db: KioskDb, clock: Clock, job: SignedJob, awaitsJob: (transactionId: string) => boolean): Admission {
  return db.transaction((): Admission => {
    const refused = getNotPresentedJob(db, job.id);
    if (refused) return { kind: 'not_presented', job: refused, repeated: true };
    const known = getJob(db, job.id);
    if (known) return { kind: 'known', job: known };
    const tx = getTransaction(db, job.transaction_id);
    if (!tx) throw new Error(`job ${job.id} names unknown transaction ${job.transaction_id}`);
    const open = WAITS_FOR_JOB.has(tx.status);
    if (open && awaitsJob(tx.id)) return receiveJob(db, clock, job);
    const reason = open
      ? 'the transaction is not the session on the kiosk screen'
      : `the transaction is ${tx.status}${tx.reason ? `: ${tx.reason}` : ''}`;
    const now = clock.now().toISOString();
    db.prepare(
      'INSERT INTO jobs_not_presented (id, transaction_id, coins, expires_at, reason, received_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(job.id, job.transaction_id, job.coins, job.expires_at, reason.slice(0, 500), now);
    const payload = { job_id: job.id, transaction_id: job.transaction_id, coins: job.coins, reason: reason.slice(0, 500) };
    appendEvent(db, clock, { type: 'job.not_presented', transaction_id: job.transaction_id, job_id: job.id, data: payload });
    appendOutbox(db, clock, 'job.not_presented', payload);
    const row = getNotPresentedJob(db, job.id);
    if (!row) throw new Error(`job ${job.id} not recorded`);
    return { kind: 'not_presented', job: row, repeated: false };
  })();
}
