import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { SyncEvent } from '../../contract/sync-events';
import type { KioskDb } from '../db/open-db';
import { countAttempt, listUnsent, markSentUpTo, quarantine, toSyncEvent, type OutboxRow } from '../db/outbox';
import { Backoff, realTimers, type Timers } from './backoff';
import type { CloudClient } from './cloud-client';
import { CloudError } from './cloud-error';

/**
 * Drains the outbox to POST /v1/sync (PRODUCT.md "Offline-first"): seq order, batches of at most
 * 200 events and 256 KiB, rows marked sent only up to the `high_seq` the cloud answers. Failures
 * back off exponentially with full jitter (1 s base, 5 min cap) with no limit on how long the
 * kiosk may stay offline; a success resets the backoff. One push at a time.
 */
export const MAX_BATCH_EVENTS = 200;
export const MAX_BATCH_BYTES = 256 * 1024;

export interface OutboxPusherDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  client: Pick<CloudClient, 'sync'>;
  timers?: Timers;
  random?: () => number;
  /** Told after every push attempt whether the cloud answered. */
  onReachable?: (reachable: boolean) => void;
}

export interface OutboxPusher {
  /** Push now (after each local write). Resolves when this push (or the one running) ends. */
  kick(): Promise<void>;
  stop(): void;
}

export function createOutboxPusher(deps: OutboxPusherDeps): OutboxPusher {
  const timers = deps.timers ?? realTimers;
  const backoff = new Backoff({ random: deps.random ?? Math.random });
  let running: Promise<void> | null = null;
  let again = false;
  let retryHandle: unknown = null;
  let stopped = false;

  async function drain(): Promise<void> {
    for (;;) {
      const batch = nextBatch(deps.db);
      if (batch.length === 0) return;
      const pushed = await pushBatch(deps, batch);
      if (pushed === 'retry') throw new Error('push failed; will retry');
      if (pushed === 'stalled') return; // the cloud holds a gap; try again on the next kick
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

  return {
    kick,
    stop() {
      stopped = true;
      if (retryHandle !== null) timers.clearTimeout(retryHandle);
      retryHandle = null;
    },
  };
}

/** The next batch in seq order: at most MAX_BATCH_EVENTS events and MAX_BATCH_BYTES of JSON. */
export function nextBatch(db: KioskDb): { row: OutboxRow; event: SyncEvent }[] {
  const batch: { row: OutboxRow; event: SyncEvent }[] = [];
  let bytes = 20;
  for (const row of listUnsent(db, MAX_BATCH_EVENTS)) {
    const event = toSyncEvent(row);
    const size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    bytes += size;
    batch.push({ row, event });
  }
  return batch;
}

type PushOutcome = 'progress' | 'stalled' | 'retry';

async function pushBatch(deps: OutboxPusherDeps, batch: { row: OutboxRow; event: SyncEvent }[]): Promise<PushOutcome> {
  const seqs = batch.map((b) => b.row.seq);
  countAttempt(deps.db, seqs);
  try {
    const { high_seq } = await deps.client.sync(batch.map((b) => b.event));
    deps.onReachable?.(true);
    const marked = markSentUpTo(deps.db, deps.clock, high_seq);
    return marked > 0 ? 'progress' : 'stalled';
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    deps.onReachable?.(!e.offline);
    if (e.status === 400 || e.status === 422) return findRefused(deps, batch);
    return 'retry';
  }
}

/**
 * A 400/422 for a batch: send the events one at a time; the one the cloud refuses on its own is
 * quarantined with the reason (kept, never deleted) and the rest go on.
 */
async function findRefused(deps: OutboxPusherDeps, batch: { row: OutboxRow; event: SyncEvent }[]): Promise<PushOutcome> {
  for (const { row, event } of batch) {
    try {
      const { high_seq } = await deps.client.sync([event]);
      markSentUpTo(deps.db, deps.clock, high_seq);
    } catch (e) {
      if (e instanceof CloudError && (e.status === 400 || e.status === 422)) {
        deps.log.error({ seq: row.seq, type: row.type, code: e.code }, 'cloud refused an outbox event; quarantined');
        quarantine(deps.db, row.seq, `${e.code}: ${e.message}`);
        return 'progress';
      }
      return 'retry';
    }
  }
  return 'retry';
}
