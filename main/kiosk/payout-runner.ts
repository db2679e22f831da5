import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { KioskDb } from '../db/open-db';
import { FINAL_JOB_STATUSES, finishJob, getJob, journalForJob, markJobDispensing, markJobInDoubt, type JobRow } from '../db/jobs';
import type { Dispenser } from '../hardware/dispenser';

/**
 * Pays dispense jobs one at a time (PRODUCT.md "Money rules"). A job is paid at most once: its
 * row moves received → dispensing before the dispenser is called, and a job already final is
 * skipped. What was paid comes from the payout journal (payout_intents) plus the dispenser's
 * answer, so a retry after a restart pays only the unpaid remainder. When the dispenser cannot say
 * what it paid, the job is in doubt and settleInDoubt() runs before any further payout.
 */
export type PayoutEvent =
  | { kind: 'start'; job: JobRow; coinsPaid: number }
  | { kind: 'progress'; job: JobRow; coinsPaid: number }
  | { kind: 'finished'; job: JobRow }
  | { kind: 'in_doubt'; job: JobRow; reason: string };

export interface PayoutRunnerDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  dispenser: Dispenser;
  onWrite: () => void;
  onEvent: (e: PayoutEvent) => void;
}

export interface PayoutRunner {
  /** Queues a job; resolves when it has been handled. Safe to call twice for the same job. */
  enqueue(jobId: string): Promise<void>;
  /** Settles in-doubt intents from the dispenser's counters before the next payout. */
  settleFirst(): void;
  readonly busy: boolean;
  /** Resolves when the queue is empty (nothing paying). */
  idle(): Promise<void>;
}

export function createPayoutRunner(deps: PayoutRunnerDeps): PayoutRunner {
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let needsSettle = false;
  const queued = new Set<string>();

  async function settle(): Promise<void> {
    const settled = await deps.dispenser.settleInDoubt();
    for (const s of settled) deps.log.info({ jobId: s.jobId, coinsPaid: s.coinsPaid, evidence: s.evidence }, 'in-doubt payout settled');
    needsSettle = false;
  }

  async function pay(jobId: string): Promise<void> {
    const before = getJob(deps.db, jobId);
    if (!before || FINAL_JOB_STATUSES.includes(before.status)) return;
    if (needsSettle || before.status !== 'received') await settle();
    const journal = journalForJob(deps.db, jobId);
    if (journal.openIntents > 0) return inDoubt(before, 'a payout intent is still open after settling');
    const job = markJobDispensing(deps.db, deps.clock, jobId);
    deps.onWrite();
    const alreadyPaid = Math.min(journal.coinsPaid, job.coins);
    deps.onEvent({ kind: 'start', job, coinsPaid: alreadyPaid });
    const remainder = job.coins - alreadyPaid;
    if (remainder === 0) return finish(job, alreadyPaid, undefined);
    try {
      const r = await deps.dispenser.payout({
        jobId,
        coins: remainder,
        onProgress: (n) => deps.onEvent({ kind: 'progress', job, coinsPaid: alreadyPaid + Math.min(n, remainder) }),
      });
      finish(job, alreadyPaid + r.coinsPaid, r.fault ?? undefined);
    } catch (e) {
      needsSettle = true;
      const code = (e as { code?: unknown }).code;
      inDoubt(job, `dispenser could not say what it paid (${typeof code === 'string' ? code : 'error'})`);
    }
  }

  function finish(job: JobRow, coinsPaid: number, reason: string | undefined): void {
    const done = finishJob(deps.db, deps.clock, job.id, { coinsPaid, ...(reason ? { reason } : {}) });
    deps.onWrite();
    deps.onEvent({ kind: 'finished', job: done });
  }

  function inDoubt(job: JobRow, reason: string): void {
    markJobInDoubt(deps.db, deps.clock, job.id, reason);
    deps.log.error({ jobId: job.id, reason }, 'payout in doubt; a technician or the next start-up settles it');
    deps.onEvent({ kind: 'in_doubt', job: getJob(deps.db, job.id) ?? job, reason });
  }

  return {
    enqueue(jobId) {
      if (queued.has(jobId)) return chain;
      queued.add(jobId);
      pending += 1;
      chain = chain
        .then(() => pay(jobId))
        .catch((e: unknown) => deps.log.error({ err: e, jobId }, 'payout failed unexpectedly'))
        .finally(() => {
          queued.delete(jobId);
          pending -= 1;
        });
      return chain;
    },
    settleFirst() {
      needsSettle = true;
    },
    get busy() {
      return pending > 0;
    },
    idle() {
      return chain;
    },
  };
}
