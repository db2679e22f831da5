import { backoffCeilingMs } from '../contract/backoff';
import type { Clock } from '../contract/clock';

/**
 * Lifecycle rules for the shell, pure so they are tested without Electron.
 *
 * Renderer recovery: a crashed (`render-process-gone`) or hung (`unresponsive`) renderer is reloaded
 * after a delay that doubles on each failure in a row (1 s, 2 s, 4 s … capped at 60 s) and resets
 * once the page has stayed up for `stableMs`. The core keeps running meanwhile: a payout in progress
 * is never touched by a renderer problem.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  stableMs: number;
}

export const RENDERER_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000, stableMs: 120_000 };

export class ReloadBackoff {
  private failures = 0;
  private lastFailureAt: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly policy: BackoffPolicy = RENDERER_BACKOFF,
  ) {}

  /** Records a failure now and returns how long to wait before reloading. */
  nextDelayMs(): number {
    const now = this.clock.now().getTime();
    if (this.lastFailureAt !== null && now - this.lastFailureAt >= this.policy.stableMs) this.failures = 0;
    this.lastFailureAt = now;
    const delay = backoffCeilingMs(this.failures, { baseMs: this.policy.initialMs, capMs: this.policy.maxMs });
    this.failures += 1;
    return delay;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}

/**
 * Graceful quit: the first quit request runs `stop()` (the core's stop, which waits for a payout
 * in progress and never interrupts one) and then `exit(0)`; later requests while stopping are
 * absorbed. A stop that fails still exits, with code 1, so systemd restarts the app.
 * Returns `begin()`, which says whether the caller must prevent the default quit.
 */
export function createQuitCoordinator(deps: {
  stop: () => Promise<void>;
  exit: (code: number) => void;
  onError: (cause: unknown) => void;
}): { begin(): boolean; readonly stopping: boolean; readonly done: Promise<void> | null } {
  let done: Promise<void> | null = null;
  let finished = false;
  return {
    begin(): boolean {
      if (finished) return false;
      if (done === null) {
        done = deps.stop().then(
          () => {
            finished = true;
            deps.exit(0);
          },
          (cause: unknown) => {
            deps.onError(cause);
            finished = true;
            deps.exit(1);
          },
        );
      }
      return true;
    },
    get stopping(): boolean {
      return done !== null && !finished;
    },
    get done(): Promise<void> | null {
      return done;
    },
  };
}
