import { fullJitterDelayMs } from '../../contract/backoff';

/**
 * Retry waits for the kiosk's cloud calls: full-jitter exponential backoff (contract/backoff.ts) with
 * the attempt count kept here. Random and timers are injectable.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 1000;
    this.capMs = opts.capMs ?? 5 * 60_000;
    this.random = opts.random ?? Math.random;
  }

  /** The next delay, then the ceiling doubles (up to the cap). */
  next(): number {
    const delay = fullJitterDelayMs(this.attempt, { baseMs: this.baseMs, capMs: this.capMs }, this.random);
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}

/** A sleep that an AbortSignal ends early (resolves, never rejects). */
export function sleep(timers: Timers, ms: number, abort?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (abort?.aborted) return resolve();
    const done = () => {
      timers.clearTimeout(handle);
      abort?.removeEventListener('abort', done);
      resolve();
    };
    const handle = timers.setTimeout(done, ms);
    abort?.addEventListener('abort', done, { once: true });
  });
}
