import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { KioskDb } from '../db/open-db';
import { outboxCounts } from '../db/outbox';
import { countAttempt, markSentUpTo, quarantine } from '../db/outbox';
import { lastSyncSuccess, recordSyncSuccess, repairGap } from '../db/outbox-gaps';
import { Backoff, realTimers, type Timers } from './backoff';
import type { CloudClient } from './cloud-client';
import { CloudError } from './cloud-error';
import { nextBatch, type BatchItem, type BatchLimits } from './outbox-batch';

/**
 * Drains the outbox to POST /v1/sync (PRODUCT.md "Offline-first"): seq order, batches bounded by count
 * and bytes, rows marked sent only up to the `high_seq` the cloud answers. Failures back off
 * exponentially with full jitter (1 s base, 5 min cap) with no limit on how long the kiosk may stay
 * offline; a success resets the backoff. One push at a time. A gap (the cloud holds less than what was
 * marked sent) is repaired and reported; an event refused permanently is quarantined and goes out as a
 * tombstone for its seq, so nothing blocks the queue (issue 4).
 */
export interface OutboxPusherDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  client: Pick<CloudClient, 'sync'>;
  timers?: Timers;
  random?: () => number;
  /** Backoff bounds (tests use small ones). Default 1 s base, 5 min cap. */
  backoff?: { baseMs?: number; capMs?: number };
  batch?: BatchLimits;
  /** Told after every push attempt whether the cloud answered. */
  onReachable?: (reachable: boolean) => void;
}

/** The technician's sync screen (PRODUCT.md "technician: see sync state, force a sync"). */
export interface SyncStatus {
  outbox_depth: number;
  oldest_unsynced_at: string | null;
  last_success_at: string | null;
  quarantined: number;
  /** Gaps found since start (the cloud held less than the kiosk had marked sent). */
  gaps_repaired: number;
  /** Failed pushes in a row; 0 after a success. */
  failures: number;
}

export interface OutboxPusher {
  /** Push now (after each local write). Resolves when this push (or the one running) ends. */
  kick(): Promise<void>;
  /** The technician's "sync now": skips the backoff wait, pushes, and answers the status after. */
  syncNow(): Promise<SyncStatus>;
  status(): SyncStatus;
  stop(): void;
}

export function createOutboxPusher(deps: OutboxPusherDeps): OutboxPusher {
  const timers = deps.timers ?? realTimers;
  const backoff = new Backoff({ random: deps.random ?? Math.random, ...deps.backoff });
  let running: Promise<void> | null = null;
  let again = false;
  let retryHandle: unknown = null;
  let stopped = false;
  let gaps = 0;

  async function drain(): Promise<void> {
    for (;;) {
      const batch = nextBatch(deps.db, deps.log, deps.batch);
      if (batch.length === 0) return;
      const pushed = await pushBatch(deps, batch);
      if (pushed === 'retry') throw new Error('push failed; will retry');
      if (pushed === 'gap') gaps += 1;
      if (pushed === 'stalled') return; // nothing moved; try again on the next kick
    }
  }

  function schedule(): void {
    if (stopped || retryHandle !== null) return;
    const delay = backoff.next();
    deps.log.info({ delayMs: delay, failures: backoff.failures }, 'outbox push failed; retrying later');
    retryHandle = timers.setTimeout(() => {
      retryHandle = null;
      void kick();
    }, delay);
  }

  function kick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    if (retryHandle !== null) {
      timers.clearTimeout(retryHandle);
      retryHandle = null;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
          backoff.reset();
        } catch (e) {
          deps.log.debug({ err: e }, 'outbox push error');
          again = false;
          schedule();
        }
      } while (again && !stopped);
      running = null;
    })();
    return running;
  }

  function status(): SyncStatus {
    return { ...outboxCounts(deps.db), last_success_at: lastSyncSuccess(deps.db), gaps_repaired: gaps, failures: backoff.failures };
  }

  return {
    kick,
    status,
    async syncNow() {
      if (running) await running;
      await kick();
      return status();
    },
    stop() {
      stopped = true;
      if (retryHandle !== null) timers.clearTimeout(retryHandle);
      retryHandle = null;
    },
  };
}

type PushOutcome = 'progress' | 'gap' | 'stalled' | 'retry';
/** Statuses that refuse the request itself, permanently: find the one event and quarantine it. */
const REFUSED = new Set([400, 413, 422]);

async function pushBatch(deps: OutboxPusherDeps, batch: BatchItem[]): Promise<PushOutcome> {
  countAttempt(deps.db, batch.map((b) => b.row.seq));
  try {
    const { high_seq } = await deps.client.sync(batch.map((b) => b.event));
    deps.onReachable?.(true);
    return applyHighSeq(deps, batch, high_seq);
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    deps.onReachable?.(!e.offline);
    if (REFUSED.has(e.status)) return findRefused(deps, batch);
    return 'retry';
  }
}

/** Applies the cloud's high_seq: marks rows sent, and repairs a gap below the batch. */
function applyHighSeq(deps: OutboxPusherDeps, batch: BatchItem[], highSeq: number): PushOutcome {
  const first = batch[0]!.row.seq;
  const marked = markSentUpTo(deps.db, deps.clock, highSeq);
  recordSyncSuccess(deps.db, deps.clock);
  if (highSeq < first - 1) {
    const repair = repairGap(deps.db, deps.clock, highSeq + 1, first - 1);
    deps.log.error(repair, 'the cloud holds fewer events than this kiosk sent: gap repaired (rows re-sent, pruned ones tombstoned)');
    return 'gap';
  }
  if (marked > 0) return 'progress';
  deps.log.error({ highSeq, first }, 'the cloud stored none of the batch; will try again on the next push');
  return 'stalled';
}

/**
 * A 400/413/422 for a batch: send the events one at a time; the one the cloud refuses on its own is
 * quarantined with the reason (kept, never deleted) and from then on goes out as its tombstone.
 */
async function findRefused(deps: OutboxPusherDeps, batch: BatchItem[]): Promise<PushOutcome> {
  for (const { row, event } of batch) {
    try {
      const { high_seq } = await deps.client.sync([event]);
      markSentUpTo(deps.db, deps.clock, high_seq);
    } catch (e) {
      if (e instanceof CloudError && REFUSED.has(e.status) && row.quarantined_reason === null) {
        deps.log.error({ seq: row.seq, type: row.type, code: e.code }, 'cloud refused an outbox event; quarantined, sent as a tombstone');
        quarantine(deps.db, row.seq, `${e.code}: ${e.message}`);
        return 'progress';
      }
      return 'retry';
    }
  }
  return 'retry';
}
