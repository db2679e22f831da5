import type { Logger } from 'pino';
import { JOBS_CHANNEL, type Db } from './db/db';

/** One kiosk's subscription; notifications that arrive between waits are not lost. */
export interface JobSubscription {
  /** Resolves true on a notification for this kiosk, false after `ms` or when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<boolean>;
  close(): void;
}

export interface JobNotifier {
  subscribe(kioskId: string): Promise<JobSubscription>;
}

/**
 * Wakes long-polls when a job is created (ARCHITECTURE.md "Processes": Postgres LISTEN/NOTIFY wakes the
 * instance holding the kiosk's long-poll). One LISTEN per process on JOBS_CHANNEL, payload = kiosk id.
 * Without listen support it degrades to polling once a second.
 */
export function createJobNotifier(db: Db, log: Logger): JobNotifier {
  const waiters = new Map<string, Set<() => void>>();
  let listening: Promise<unknown> | undefined;

  const ensureListening = () => {
    if (!db.listen) return Promise.resolve();
    listening ??= db
      .listen(JOBS_CHANNEL, (kioskId) => {
        for (const wake of waiters.get(kioskId) ?? []) wake();
      })
      .catch((err: unknown) => {
        log.warn({ err }, 'LISTEN failed; long-polls fall back to polling');
        listening = undefined;
      });
    return listening;
  };

  return {
    async subscribe(kioskId) {
      await ensureListening();
      let pending = false;
      let resolveWait: ((v: boolean) => void) | undefined;
      const wake = () => {
        if (resolveWait) resolveWait(true);
        else pending = true;
      };
      const set = waiters.get(kioskId) ?? new Set();
      set.add(wake);
      waiters.set(kioskId, set);
      const pollMs = db.listen ? Infinity : 1000;
      return {
        wait(ms, signal) {
          if (pending || signal?.aborted) {
            const was = pending;
            pending = false;
            return Promise.resolve(was);
          }
          return new Promise<boolean>((resolve) => {
            const done = (v: boolean) => {
              clearTimeout(timer);
              signal?.removeEventListener('abort', onAbort);
              resolveWait = undefined;
              resolve(v);
            };
            const onAbort = () => done(false);
            const timer = setTimeout(() => done(pollMs < ms), Math.max(0, Math.min(ms, pollMs)));
            signal?.addEventListener('abort', onAbort, { once: true });
            resolveWait = done;
          });
        },
        close() {
          set.delete(wake);
          if (set.size === 0 && waiters.get(kioskId) === set) waiters.delete(kioskId);
        },
      };
    },
  };
}
