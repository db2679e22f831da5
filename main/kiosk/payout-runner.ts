import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { KioskDb } from '../db/open-db';
import { FINAL_KIOSK_JOB_STATUSES, finishJob, getJob, markJobDispensing, markJobInDoubt, type JobRow } from '../db/jobs';
import type { Dispenser, DispenserFault } from '../hardware/dispenser';
import type { PayoutJournal } from '../hardware/payout-journal';

/**
 * Pays dispense jobs one at a time (PRODUCT.md "Money rules"). A job is paid at most once: its
 * row moves received → dispensing before the dispenser is called, and a job already final is
 * skipped. What was paid comes from the payout journal (payout_intents) plus the dispenser's
 * answer, so a retry after a restart pays only the unpaid remainder. When the dispenser cannot say
 * what it paid, the job is in doubt and settleInDoubt() runs before any further payout.
 *
 * Remainder rule (PRODUCT.md "Money rules", issue 3): a retry pays only the proven unpaid remainder
 * and only while the flow allows it — the signed job has not expired (the customer may still be at
 * the kiosk). Otherwise nothing is paid and the job ends 'partial' (or 'failed' when no coin left)
 * with the remainder owed: `coins_unpaid` and a reason in the `payout.result` event flag it to the
 * operator. A short payout (empty, jam) is never retried: it ends 'partial' the same way.
 */
export type PayoutEvent =
  | { kind: 'start'; job: JobRow; coinsPaid: number }
  | { kind: 'progress'; job: JobRow; coinsPaid: number }
  /** `fault`: what the dispenser said stopped a short payout (jam, empty, opto…); null when none. */
  | { kind: 'finished'; job: JobRow; fault: DispenserFault | null }
  | { kind: 'in_doubt'; job: JobRow; reason: string };

export interface PayoutRunnerDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  dispenser: Dispenser;
  /** What was already paid for a job (hardware/payout-journal.ts). */
  journal: Pick<PayoutJournal, 'paidForJob'>;
  onWrite: () => void;
  /** The cloud's time (sync/cloud-time.ts), against which a job's expiry is judged; default `clock`. */
  cloudClock?: Clock;
}

export interface PayoutRunner {
  /** Queues a job; resolves when it has been handled. Safe to call twice for the same job. */
  enqueue(jobId: string): Promise<void>;
  /**
   * Hears every payout event, in the order listeners subscribed (the kiosk subscribes the hopper
   * status before the customer screen, so a short payout's fault shows with its end screen).
   * Returns an unsubscribe function.
   */
  onEvent(listener: (e: PayoutEvent) => void): () => void;
  /** Settles in-doubt intents from the dispenser's counters before the next payout. */
  settleBeforeNextPayout(): void;
  readonly busy: boolean;
  /** Resolves when the queue is empty (nothing paying). */
  idle(): Promise<void>;
}

/** Why the flow no longer allows paying the rest of this job (null: it does). */
function remainderRefusal(job: JobRow, coinsPaid: number, clock: Clock): string | null {
  const remainder = job.coins - Math.min(coinsPaid, job.coins);
  if (remainder === 0 || Date.parse(job.expires_at) > clock.now().getTime()) return null;
  return `job expired before its ${remainder} unpaid coins could be paid: ${remainder} coins owed`;
}

export function createPayoutRunner(deps: PayoutRunnerDeps): PayoutRunner {
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let needsSettle = false;
  const queued = new Set<string>();
  const listeners = new Set<(e: PayoutEvent) => void>();
  const report = (e: PayoutEvent) => {
    for (const l of listeners) l(e);
  };

  async function settleInDoubt(): Promise<void> {
    const settled = await deps.dispenser.settleInDoubt();
    for (const s of settled) deps.log.info({ jobId: s.jobId, coinsPaid: s.coinsPaid, evidence: s.evidence }, 'in-doubt payout settled');
    needsSettle = false;
  }

  async function pay(jobId: string): Promise<void> {
    const before = getJob(deps.db, jobId);
    if (!before || FINAL_KIOSK_JOB_STATUSES.includes(before.status)) return;
    if (needsSettle || before.status !== 'received') await settleInDoubt();
    const journal = deps.journal.paidForJob(jobId);
    if (journal.openIntents > 0) return inDoubt(before, 'a payout intent is still open after settling');
    const owed = journal.settledByHand > 0 && journal.coinsPaid < before.coins
      ? `settled by hand after a hopper swap: ${before.coins - journal.coinsPaid} coins owed` // a technician's visit later: the customer has gone
      : remainderRefusal(before, journal.coinsPaid, deps.cloudClock ?? deps.clock);
    if (owed) {
      deps.log.warn({ jobId, coinsPaid: journal.coinsPaid, reason: owed }, 'remainder not paid: recorded as owed');
      return finish(before, Math.min(journal.coinsPaid, before.coins), owed, null);
    }
    const job = markJobDispensing(deps.db, deps.clock, jobId);
    deps.onWrite();
    const alreadyPaid = Math.min(journal.coinsPaid, job.coins);
    report({ kind: 'start', job, coinsPaid: alreadyPaid });
    const remainder = job.coins - alreadyPaid;
    if (remainder === 0) return finish(job, alreadyPaid, undefined, null);
    try {
      const r = await deps.dispenser.payout({
        jobId,
        coins: remainder,
        onProgress: (n) => report({ kind: 'progress', job, coinsPaid: alreadyPaid + Math.min(n, remainder) }),
      });
      const paid = alreadyPaid + r.coinsPaid;
      finish(job, paid, r.fault ? `${r.fault}: ${job.coins - paid} coins owed` : undefined, r.fault);
    } catch (e) {
      needsSettle = true;
      const code = (e as { code?: unknown }).code;
      inDoubt(job, `dispenser could not say what it paid (${typeof code === 'string' ? code : 'error'})`);
    }
  }

  function finish(job: JobRow, coinsPaid: number, reason: string | undefined, fault: DispenserFault | null): void {
    const done = finishJob(deps.db, deps.clock, job.id, { coinsPaid, ...(reason ? { reason } : {}) });
    deps.onWrite();
    report({ kind: 'finished', job: done, fault });
  }

  function inDoubt(job: JobRow, reason: string): void {
    markJobInDoubt(deps.db, deps.clock, job.id, reason);
    deps.log.error({ jobId: job.id, reason }, 'payout in doubt; a technician or the next start-up settles it');
    report({ kind: 'in_doubt', job: getJob(deps.db, job.id) ?? job, reason });
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
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    settleBeforeNextPayout() {
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
