import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { JobPublicKey, SignedJob } from '../../contract/job';
import type { KioskDb } from '../db/open-db';
import { admitJob, getNotPresentedJob } from '../db/job-admission';
import { getJob, type JobRow } from '../db/jobs';
import { getTransaction } from '../db/transactions';
import { Backoff, realTimers, sleep, type Timers } from './backoff';
import type { CloudClient } from './cloud-client';
import { CloudError } from './cloud-error';
import { enrolmentJobKeys } from './job-keys';
import { checkJob } from './verify-job';

/**
 * Long-polls GET /v1/jobs/next (PRODUCT.md "Dispense"). Each job is checked (verify-job.ts), then
 * admitted under the presence rule (db/job-admission.ts: paid only into the live session that asked
 * for it) and stored with its transaction change and outbox row in ONE SQLite transaction, then
 * acked, then — only when admitted — handed to the flow. A job id already stored is the same job:
 * no new row, acked again, handed again (the flow pays a job at most once). A job not presented is
 * acked (so it is not redelivered) and never handed on. A job that fails a check is never stored or paid.
 */
const LONG_POLL_WAIT_SEC = 25;

export interface JobReceiverDeps {
  db: KioskDb;
  clock: Clock;
  /** The cloud's time (sync/cloud-time.ts) for the job's expiry; default `clock`. */
  cloudClock?: Clock;
  log: Logger;
  client: Pick<CloudClient, 'nextJob' | 'ackJob'>;
  enrollment: () => { kiosk_id: string; job_public_key: string } | null;
  /** The job keys accepted now (sync/job-keys.ts); default: the one key of the enrolment. */
  jobKeys?: () => readonly JobPublicKey[];
  /** Where admitted jobs go, and whether a transaction is the live session waiting for its job. */
  sink: JobSink;
  /** Called after each local write, to push the outbox. */
  onWrite?: () => void;
  onOnline?: (online: boolean) => void;
  timers?: Timers;
  random?: () => number;
  waitSec?: number;
}

export interface JobSink {
  /** Synchronous: true only while this transaction is on the screen in a state that waits for its job. */
  awaitsJob(transactionId: string): boolean;
  onJob(job: JobRow): void;
}

export type JobOutcome = 'accepted' | 'duplicate' | 'not_presented' | 'rejected';

export interface JobReceiver {
  stop(): Promise<void>;
  /** Handles one delivered job (exposed for tests and for replays). */
  handle(job: SignedJob): Promise<JobOutcome>;
}

export function startJobReceiver(deps: JobReceiverDeps): JobReceiver {
  const timers = deps.timers ?? realTimers;
  const backoff = new Backoff({ random: deps.random ?? Math.random, capMs: 60_000 });
  const refusedBackoff = new Backoff({ random: deps.random ?? Math.random, capMs: 60_000 });
  const abort = new AbortController();

  async function handle(job: SignedJob): Promise<JobOutcome> {
    const enrol = deps.enrollment();
    if (!enrol) return 'rejected';
    const known = getJob(deps.db, job.id) ?? getNotPresentedJob(deps.db, job.id);
    if (!known) {
      const check = await checkJob({
        job,
        keys: deps.jobKeys?.() ?? enrolmentJobKeys(enrol),
        kioskId: enrol.kiosk_id,
        clock: deps.cloudClock ?? deps.clock,
        transaction: getTransaction(deps.db, job.transaction_id),
      });
      if (!check.ok) {
        deps.log.error({ jobId: job.id, code: check.error.code }, `dispense job refused: ${check.error.message}`);
        return 'rejected';
      }
    } else if (known.transaction_id !== job.transaction_id || known.coins !== job.coins) {
      deps.log.error({ jobId: job.id }, 'a job id arrived again with other content; refused');
      return 'rejected';
    }
    const admitted = admitJob(deps.db, deps.clock, job, (txId) => deps.sink.awaitsJob(txId));
    deps.onWrite?.();
    if (admitted.kind === 'not_presented') {
      if (!admitted.repeated) deps.log.warn({ jobId: job.id, reason: admitted.job.reason }, 'dispense job not presented: never paid, reported to the cloud');
      await ack(job.id);
      return 'not_presented';
    }
    await ack(job.id);
    deps.sink.onJob(admitted.job);
    return admitted.kind === 'new' ? 'accepted' : 'duplicate';
  }

  async function ack(jobId: string): Promise<void> {
    try {
      await deps.client.ackJob(jobId);
    } catch (e) {
      // The job is stored; the cloud re-delivers an unacked job and we treat it as the same job.
      deps.log.warn({ jobId, err: e }, 'job ack failed; the job is kept and paid anyway');
    }
  }

  async function loop(): Promise<void> {
    let wait = 0; // the first poll answers at once, so the kiosk knows quickly it is online
    while (!abort.signal.aborted) {
      try {
        const job = await deps.client.nextJob(wait, abort.signal);
        deps.onOnline?.(true);
        backoff.reset();
        wait = deps.waitSec ?? LONG_POLL_WAIT_SEC;
        if (!job) continue;
        const outcome = await handle(job).catch((e: unknown) => {
          deps.log.error({ err: e }, 'job handling failed');
          return 'rejected' as const;
        });
        // The cloud re-delivers a job we refused; do not spin on it.
        if (outcome === 'rejected') await sleep(timers, Math.max(1000, refusedBackoff.next()), abort.signal);
        else refusedBackoff.reset();
      } catch (e) {
        if (abort.signal.aborted) break;
        const offline = e instanceof CloudError && e.offline;
        if (offline || (e instanceof CloudError && e.transient)) deps.onOnline?.(false);
        deps.log.warn({ code: e instanceof CloudError ? e.code : 'unknown' }, 'job long-poll failed; reconnecting');
        wait = 0;
        await sleep(timers, Math.max(200, backoff.next()), abort.signal);
      }
    }
  }

  const done = loop();
  return {
    handle,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
