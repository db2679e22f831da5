import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { KioskDb } from '../db/open-db';
import { FINAL_KIOSK_JOB_STATUSES, finishJob, getJob, markJobDispensing, markJobInDoubt, type JobRow } from '../db/jobs';
import type { Dispenser, DispenserFault } from '../hardware/dispenser';
import type { JobPayouts, PayoutJournal } from '../hardware/payout-journal';
import { backoffCeilingMs } from '../../contract/backoff';

/**
 * Pays dispense jobs one at a time (PRODUCT.md "Money rules"). A job is paid at most once: its
 * row moves received → dispensing before the dispenser is called, and a job already final is
 * skipped. What was paid comes from the payout journal (payout_intents) plus the dispenser's
 * answer, so a retry after a restart pays only the unpaid remainder. When the dispenser cannot say
 * what it paid, the job is in doubt and settleInDoubt() runs before any further payout.
 *
 * Retry rule (issue 13; PRODUCT.md "Money rules", "Presence"): after a job's first payout, its unpaid
 * rest is paid by ONE more payout (a new journaled intent), never a second, and only when
 * - the first payout's counters proved it `not_taken` (nothing left the hopper: a 167 that never left
 *   or was proven not taken) or a `power_cut` (counter back at 0, paid = the 168 delta from two clean
 *   reads); the dispenser then pays a power-cut rest only after the hopper's settling time
 *   (`afterPowerCut`, hardware/cctalk-power-settle.ts);
 * - the cloud's time is known (a cloud reply's Date header, sync/cloud-time.ts): until then the job
 *   waits, so a Pi that booted with a stale clock never pays an expired job;
 * - the job has not expired on the cloud's time, and its customer is still at the screen
 *   (`customerPresent`, kiosk/cash-out-flow.ts). Both hold for a first payout too.
 * Otherwise nothing more is paid and the job ends 'partial' (or 'failed' when no coin left) with the
 * rest owed: `coins_unpaid` and a reason in its one `payout.result` (the cloud books it as a credit).
 * A short payout (empty, jam, stall) is never retried. The same rule runs at start-up and after a
 * reconnect: the runner is the only place that decides.
 *
 * A payout refused before anything was journaled (a latched fault, the hopper away) leaves the job
 * waiting (event 'waiting'); it is queued again when the hopper is back in service (kiosk-app.ts).
 * A settle that throws or a payout left in doubt is retried with backoff until the counters settle it;
 * every job ends with exactly one `payout.result` (db/jobs.ts finishJob).
 */
export type PayoutEvent =
  | { kind: 'start'; job: JobRow; coinsPaid: number }
  | { kind: 'progress'; job: JobRow; coinsPaid: number }
  /** `fault`: what the dispenser said stopped a short payout (jam, empty, opto…); null when none. */
  | { kind: 'finished'; job: JobRow; fault: DispenserFault | null }
  | { kind: 'in_doubt'; job: JobRow; reason: string }
  /** Not started (nothing journaled): the hopper must be back in service first (a technician's reset). */
  | { kind: 'waiting'; job: JobRow; fault: DispenserFault | null; reason: string };

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
  /** Whether the cloud's time is known yet (sync/cloud-time.ts `known`); default: known. */
  cloudTimeKnown?: () => boolean;
  /** Presence: the customer this job pays can still be at the screen (cash-out-flow.ts `customerPresent`). */
  customerPresent: (job: JobRow) => boolean;
  /** Backoff for settling a job left in doubt again (default 1 s doubling to 60 s). */
  retry?: { baseMs: number; capMs: number };
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
  /** Cancels the retries scheduled for jobs in doubt (the kiosk is stopping). */
  stop(): void;
}

type NextStep =
  | { kind: 'pay'; coins: number; afterPowerCut: boolean }
  | { kind: 'finish'; reason?: string }
  | { kind: 'wait'; reason: string };

/** The retry rule above, for one job as the journal has it now. `fault`: what ended its last payout in this run. */
function nextStep(job: JobRow, p: JobPayouts, fault: DispenserFault | null, d: Pick<PayoutRunnerDeps, 'customerPresent'> & { cloudNow: number; cloudKnown: boolean }): NextStep {
  const remainder = job.coins - Math.min(p.coinsPaid, job.coins);
  if (remainder === 0) return { kind: 'finish' };
  const owed = `${remainder} coins owed`;
  // a technician's visit comes later: the customer has gone
  if (p.settledByHand > 0) return { kind: 'finish', reason: `settled by hand after a hopper swap: ${owed}` };
  const retryable = p.intents === 0 || (p.intents === 1 && (p.lastProof === 'not_taken' || p.lastProof === 'power_cut'));
  if (!retryable) {
    const why = fault ?? (p.intents > 1 ? 'paid in two payouts already (a payout is retried once only)' : 'short payout');
    return { kind: 'finish', reason: `${why}: ${owed}` };
  }
  if (!d.cloudKnown) return { kind: 'wait', reason: "the cloud's time is not known yet (no cloud reply since start-up)" };
  if (Date.parse(job.expires_at) <= d.cloudNow) return { kind: 'finish', reason: `job expired before its ${remainder} unpaid coins could be paid: ${owed}` };
  if (!d.customerPresent(job)) return { kind: 'finish', reason: `the customer is no longer at the screen: ${owed}` };
  return { kind: 'pay', coins: remainder, afterPowerCut: p.intents === 1 && p.lastProof === 'power_cut' };
}

export function createPayoutRunner(deps: PayoutRunnerDeps): PayoutRunner {
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let needsSettle = false;
  let stopped = false;
  const queued = new Set<string>();
  const retries = new Map<string, { attempt: number; timer: ReturnType<typeof setTimeout> | null }>();
  const listeners = new Set<(e: PayoutEvent) => void>();
  const report = (e: PayoutEvent) => {
    for (const l of listeners) l(e);
  };

  async function settleInDoubt(): Promise<void> {
    const settled = await deps.dispenser.settleInDoubt();
    for (const s of settled) deps.log.info({ jobId: s.jobId, coinsPaid: s.coinsPaid, evidence: s.evidence, proof: s.proof }, 'in-doubt payout settled');
    needsSettle = false;
  }

  async function pay(jobId: string): Promise<void> {
    const before = getJob(deps.db, jobId);
    if (!before || FINAL_KIOSK_JOB_STATUSES.includes(before.status)) return;
    if (needsSettle || before.status !== 'received') {
      try {
        await settleInDoubt();
      } catch (e) {
        // issue 13: a settle that throws leaves the job in doubt, retried later; it still ends with one payout.result
        needsSettle = true;
        const code = (e as { code?: unknown }).code;
        return inDoubt(before, `the hopper's counters could not settle the last payout yet (${typeof code === 'string' ? code : 'error'})`);
      }
    }
    let fault: DispenserFault | null = null;
    for (;;) {
      const job = mustGet(jobId);
      const payouts = deps.journal.paidForJob(jobId);
      if (payouts.openIntents > 0) return inDoubt(job, 'a payout intent is still open after settling');
      const cloudClock = deps.cloudClock ?? deps.clock;
      const step = nextStep(job, payouts, fault, {
        customerPresent: deps.customerPresent, cloudNow: cloudClock.now().getTime(), cloudKnown: deps.cloudTimeKnown?.() ?? true,
      });
      if (step.kind === 'wait') return void deps.log.warn({ jobId, reason: step.reason }, 'payout waits');
      if (step.kind === 'finish') {
        if (step.reason) deps.log.warn({ jobId, coinsPaid: payouts.coinsPaid, reason: step.reason }, 'remainder not paid: recorded as owed');
        return finish(job, Math.min(payouts.coinsPaid, job.coins), step.reason, fault);
      }
      const dispensing = markJobDispensing(deps.db, deps.clock, jobId);
      deps.onWrite();
      const alreadyPaid = Math.min(payouts.coinsPaid, job.coins);
      report({ kind: 'start', job: dispensing, coinsPaid: alreadyPaid });
      try {
        const r = await deps.dispenser.payout({
          jobId,
          coins: step.coins,
          ...(step.afterPowerCut ? { afterPowerCut: true } : {}),
          onProgress: (n) => report({ kind: 'progress', job: dispensing, coinsPaid: alreadyPaid + Math.min(n, step.coins) }),
        });
        fault = r.fault;
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        const why = typeof code === 'string' ? code : 'error';
        if (code === 'closed') return void deps.log.warn({ jobId }, 'the dispenser closed before the payout: the job stays unfinished for the next start');
        if (deps.journal.paidForJob(jobId).intents === payouts.intents) {
          // nothing journaled, nothing sent: not in doubt
          if (step.afterPowerCut) {
            // the hopper did not come back cleanly after its power cut (a second cut, a fault): never pay after it
            const reason = `the hopper did not stay up after its power cut (${why}): ${step.coins} coins owed`;
            deps.log.warn({ err: e, jobId }, 'rest of a power-cut payout not paid: recorded as owed');
            return finish(dispensing, alreadyPaid, reason, 'power_up');
          }
          const f = typeof code === 'string' && isDispenserFault(code) ? code : null;
          deps.log.warn({ err: e, jobId }, 'payout not started; the job waits until the hopper is back in service');
          report({ kind: 'waiting', job: dispensing, fault: f, reason: `payout not started (${why})` });
          return retryLater(jobId); // also queued again when the hopper is back in service (kiosk-app.ts)
        }
        needsSettle = true;
        return inDoubt(dispensing, `dispenser could not say what it paid (${why})`);
      }
    }
  }

  function mustGet(jobId: string): JobRow {
    const job = getJob(deps.db, jobId);
    if (!job) throw new Error(`job ${jobId} not found`);
    return job;
  }

  function finish(job: JobRow, coinsPaid: number, reason: string | undefined, fault: DispenserFault | null): void {
    clearRetry(job.id);
    const done = finishJob(deps.db, deps.clock, job.id, { coinsPaid, ...(reason ? { reason } : {}) });
    deps.onWrite();
    report({ kind: 'finished', job: done, fault });
  }

  function inDoubt(job: JobRow, reason: string): void {
    markJobInDoubt(deps.db, deps.clock, job.id, reason);
    deps.log.error({ jobId: job.id, reason }, 'payout in doubt; settled from the counters on the next try');
    report({ kind: 'in_doubt', job: getJob(deps.db, job.id) ?? job, reason });
    retryLater(job.id);
  }

  /** A job in doubt or waiting is tried again with backoff (reconnects, resets and restarts try too). */
  function retryLater(jobId: string): void {
    if (stopped) return;
    const r = retries.get(jobId) ?? { attempt: 0, timer: null };
    if (r.timer) clearTimeout(r.timer);
    const policy = deps.retry ?? { baseMs: 1000, capMs: 60_000 };
    r.timer = setTimeout(() => {
      r.timer = null;
      void runner.enqueue(jobId);
    }, backoffCeilingMs(r.attempt, policy));
    r.timer.unref?.();
    r.attempt += 1;
    retries.set(jobId, r);
  }

  function clearRetry(jobId: string): void {
    const r = retries.get(jobId);
    if (r?.timer) clearTimeout(r.timer);
    retries.delete(jobId);
  }

  const runner: PayoutRunner = {
    enqueue(jobId) {
      if (stopped) return chain;
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
    stop() {
      stopped = true;
      for (const id of [...retries.keys()]) clearRetry(id);
    },
  };
  return runner;
}

const FAULTS: readonly DispenserFault[] = ['jam', 'empty', 'opto', 'power_up', 'disabled', 'stall', 'swapped', 'line', 'no_reply', 'unknown'];
function isDispenserFault(code: string): code is DispenserFault {
  return (FAULTS as readonly string[]).includes(code);
}
