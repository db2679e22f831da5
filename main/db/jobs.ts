import type { Clock } from '../../contract/clock';
import type { SignedJob } from '../../contract/job';
import type { PayoutOutcome } from '../../contract/transaction';
import { appendEvent } from './events';
import { appendOutbox } from './outbox';
import { QUARTER_CENTS } from '../../contract/money';
import { applyClaimAnswer, getTransaction, setTransactionStatus } from './transactions';
import type { KioskDb } from './open-db';

/**
 * Dispense jobs on the kiosk. One transaction → at most one job (UNIQUE transaction_id), and a
 * second delivery of a known job id is the same job: never a second row, never a second payout
 * (PRODUCT.md "Money rules").
 */

/**
 * A job's state on this kiosk (column dispense_jobs.status). Not the cloud's `JobStatus`
 * (contract/transaction.ts: pending → delivered → acked → final), which tracks delivery.
 */
export type KioskJobStatus = 'received' | 'dispensing' | 'completed' | 'partial' | 'failed' | 'in_doubt';

export interface JobRow {
  id: string;
  transaction_id: string;
  coins: number;
  expires_at: string;
  signature: string;
  status: KioskJobStatus;
  coins_paid: number;
  received_at: string;
  finished_at: string | null;
}

export const FINAL_KIOSK_JOB_STATUSES: readonly KioskJobStatus[] = ['completed', 'partial', 'failed'];

export function getJob(db: KioskDb, id: string): JobRow | undefined {
  return db.prepare('SELECT * FROM dispense_jobs WHERE id = ?').get(id) as JobRow | undefined;
}

export function getJobForTransaction(db: KioskDb, transactionId: string): JobRow | undefined {
  return db.prepare('SELECT * FROM dispense_jobs WHERE transaction_id = ?').get(transactionId) as JobRow | undefined;
}

export type ReceiveOutcome = { kind: 'new'; job: JobRow } | { kind: 'known'; job: JobRow };

/**
 * Records a verified job: the job row, transaction → paid, audit events and the `job.received`
 * outbox row, in ONE SQLite transaction. A job id already stored returns it unchanged.
 * Throws when the transaction already has another job (the UNIQUE constraint says so).
 */
export function receiveJob(db: KioskDb, clock: Clock, job: SignedJob): ReceiveOutcome {
  return db.transaction((): ReceiveOutcome => {
    const known = getJob(db, job.id);
    if (known) return { kind: 'known', job: known };
    db.prepare(
      `INSERT INTO dispense_jobs (id, transaction_id, coins, expires_at, signature, status, received_at)
       VALUES (?, ?, ?, ?, ?, 'received', ?)`,
    ).run(job.id, job.transaction_id, job.coins, job.expires_at, job.signature, clock.now().toISOString());
    appendEvent(db, clock, { type: 'job.received', transaction_id: job.transaction_id, job_id: job.id, data: { coins: job.coins } });
    appendOutbox(db, clock, 'job.received', { job_id: job.id, transaction_id: job.transaction_id, coins: job.coins });
    // Issue 15: a claim's job may arrive before the cloud's answer to its World ID proof; its signed coins
    // are the claim's coins (the answer, when it comes, says the same).
    const tx = getTransaction(db, job.transaction_id);
    if (tx?.kind === 'claim' && tx.coins === 0) {
      applyClaimAnswer(db, clock, tx.id, { coins: job.coins, amount_cents: job.coins * QUARTER_CENTS }, 'signed_job');
    }
    if (getTransaction(db, job.transaction_id)?.status !== 'paid') {
      setTransactionStatus(db, clock, job.transaction_id, { status: 'paid' });
    }
    return { kind: 'new', job: mustGet(db, job.id) };
  })();
}

function mustGet(db: KioskDb, id: string): JobRow {
  const row = getJob(db, id);
  if (!row) throw new Error(`job ${id} not found`);
  return row;
}

/** received/in_doubt → dispensing, transaction → dispensing; one SQLite transaction. */
export function markJobDispensing(db: KioskDb, clock: Clock, id: string): JobRow {
  return db.transaction(() => {
    const job = mustGet(db, id);
    if (job.status === 'dispensing') return job;
    if (job.status !== 'received' && job.status !== 'in_doubt') throw new Error(`job ${id} is ${job.status}, not dispensable`);
    db.prepare("UPDATE dispense_jobs SET status = 'dispensing' WHERE id = ?").run(id);
    appendEvent(db, clock, { type: 'job.dispensing', transaction_id: job.transaction_id, job_id: id });
    if (getTransaction(db, job.transaction_id)?.status !== 'dispensing') {
      setTransactionStatus(db, clock, job.transaction_id, { status: 'dispensing' });
    }
    return mustGet(db, id);
  })();
}

/** The payout could not be settled (device lost); stays open until the counters settle it. */
export function markJobInDoubt(db: KioskDb, clock: Clock, id: string, reason: string): void {
  db.transaction(() => {
    const job = mustGet(db, id);
    db.prepare("UPDATE dispense_jobs SET status = 'in_doubt' WHERE id = ?").run(id);
    appendEvent(db, clock, { type: 'job.in_doubt', transaction_id: job.transaction_id, job_id: id, data: { reason } });
  })();
}

export interface PayoutRecord {
  coinsPaid: number;
  reason?: string;
}

/**
 * Records what the hopper's counters proved: job status and coins_paid, transaction status
 * (completed / partial / failed) and coins_paid, audit event and `payout.result` outbox row —
 * ONE SQLite transaction.
 */
export function finishJob(db: KioskDb, clock: Clock, id: string, record: PayoutRecord): JobRow {
  return db.transaction(() => {
    const job = mustGet(db, id);
    if (FINAL_KIOSK_JOB_STATUSES.includes(job.status)) return job;
    const paid = record.coinsPaid;
    if (!Number.isSafeInteger(paid) || paid < 0 || paid > job.coins) throw new RangeError(`coins paid ${paid} outside 0..${job.coins}`);
    const outcome: PayoutOutcome = paid === job.coins ? 'completed' : paid > 0 ? 'partial' : 'failed';
    const reason = record.reason?.slice(0, 500);
    db.prepare('UPDATE dispense_jobs SET status = ?, coins_paid = ?, finished_at = ? WHERE id = ?').run(
      outcome,
      paid,
      clock.now().toISOString(),
      id,
    );
    const payload = {
      job_id: id,
      transaction_id: job.transaction_id,
      coins_ordered: job.coins,
      coins_paid: paid,
      coins_unpaid: job.coins - paid,
      outcome,
      ...(reason ? { reason } : {}),
    };
    appendEvent(db, clock, { type: 'payout.result', transaction_id: job.transaction_id, job_id: id, data: payload });
    appendOutbox(db, clock, 'payout.result', payload);
    setTransactionStatus(db, clock, job.transaction_id, { status: outcome, coins_paid: paid, ...(reason ? { reason } : {}) });
    return mustGet(db, id);
  })();
}

/** Jobs received but not finished (received, dispensing, in_doubt), oldest first. */
export function listUnfinishedJobs(db: KioskDb): JobRow[] {
  return db
    .prepare("SELECT * FROM dispense_jobs WHERE status IN ('received','dispensing','in_doubt') ORDER BY received_at, id")
    .all() as JobRow[];
}
