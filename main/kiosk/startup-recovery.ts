import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { KioskDb } from '../db/open-db';
import { getJobForTransaction, listUnfinishedJobs } from '../db/jobs';
import { setTransactionStatus, type TransactionRow } from '../db/transactions';
import type { Dispenser } from '../hardware/dispenser';
import type { PayoutRunner } from './payout-runner';

/**
 * Start-up (PRODUCT.md "Money rules"): the core rebuilds from SQLite, never from memory.
 * 1. Open transactions with no job lost their customer session: they are cancelled (+outbox, so the
 *    cloud creates no job for them). A job that still comes for one is not presented and never paid
 *    (presence rule, db/job-admission.ts); the cloud records its amount as owed.
 * 2. In-doubt payout intents are settled from the hopper's counters (settleInDoubt), never by paying.
 * 3. Every job received but not finished is queued; the runner pays only the unpaid remainder.
 */
export async function recoverAtStartup(deps: {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  dispenser: Dispenser;
  runner: PayoutRunner;
  onWrite: () => void;
}): Promise<{ cancelled: number; jobs: number }> {
  const stale = deps.db
    .prepare("SELECT * FROM transactions WHERE status IN ('created','verified') ORDER BY created_at")
    .all() as TransactionRow[];
  let cancelled = 0;
  for (const tx of stale) {
    if (getJobForTransaction(deps.db, tx.id)) continue;
    setTransactionStatus(deps.db, deps.clock, tx.id, { status: 'cancelled', reason: 'kiosk restarted before payment' });
    cancelled += 1;
  }
  try {
    const settled = await deps.dispenser.settleInDoubt();
    for (const s of settled) deps.log.info({ jobId: s.jobId, coinsPaid: s.coinsPaid, evidence: s.evidence }, 'settled at start-up');
  } catch (e) {
    deps.log.error({ err: e }, 'could not settle in-doubt payouts at start-up; will retry before the next payout');
    deps.runner.settleBeforeNextPayout();
  }
  const jobs = resumeUnfinishedJobs(deps.db, deps.runner);
  if (cancelled > 0 || jobs > 0) deps.onWrite();
  return { cancelled, jobs };
}

/**
 * Queues every job received but not finished (received, dispensing, in_doubt). At start-up, and
 * again when the hopper comes back after an unplug: the runner settles in-doubt intents first and
 * pays only the proven remainder, only while the job allows it (payout-runner.ts "Remainder rule").
 */
export function resumeUnfinishedJobs(db: KioskDb, runner: Pick<PayoutRunner, 'enqueue'>, onWrite?: () => void): number {
  const jobs = listUnfinishedJobs(db);
  for (const job of jobs) void runner.enqueue(job.id);
  if (jobs.length > 0) onWrite?.();
  return jobs.length;
}
