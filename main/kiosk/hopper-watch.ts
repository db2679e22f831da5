import type { Logger } from 'pino';
import type { HopperHealth } from '../../contract/kiosk-api';
import type { LockedDispenser } from '../hardware/hopper-lock';
import { afterShortPayout, readHealth, toHopperHealth, UNKNOWN_HOPPER } from './kiosk-status';
import type { PayoutRunner } from './payout-runner';

const HEALTH_POLL_MS = 5_000;

/**
 * The hopper as the customer screen shows it (KioskState.hopper, out_of_service 'hopper'). It is
 * read every HEALTH_POLL_MS and pushed between polls by the dispenser (unplugged, reconnected,
 * faults, level); it is never read while the runner pays. A short payout marks the hopper faulty at
 * once (kiosk-status.ts afterShortPayout), and the hopper is read again as soon as the runner is
 * idle after a payout ends.
 */
export interface HopperWatchDeps {
  dispenser: LockedDispenser;
  runner: Pick<PayoutRunner, 'busy' | 'idle' | 'onEvent'>;
  log: Logger;
  /** Coins the kiosk counted in the hopper (inventory). */
  coinsCounted: () => number;
  onChange: () => void;
  /**
   * The hopper came back after it was away, or back in service after a fault (a technician's reset,
   * a power cycle): jobs left unfinished meanwhile can be paid again (the runner decides).
   */
  onReconnected: () => void;
  pollMs?: number;
}

export interface HopperWatch {
  readonly current: HopperHealth;
  /** Opens the dispenser (it retries in the background when the hopper is not there) and reads it. */
  open(): Promise<void>;
  /** From now on: reads every poll interval and hears the dispenser's pushes (after start-up recovery). */
  follow(): void;
  /** Reads the hopper now (skipped while a payout runs). */
  refresh(): Promise<void>;
  stop(): void;
}

export function createHopperWatch(deps: HopperWatchDeps): HopperWatch {
  let hopper = UNKNOWN_HOPPER;
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  let unwatch: (() => void) | undefined;
  let following = false;
  const show = (next: HopperHealth) => {
    const backInService = following && next.ok && !hopper.ok && hopper.connected;
    hopper = next;
    deps.onChange();
    if (backInService) deps.onReconnected();
  };

  async function refresh(): Promise<void> {
    if (deps.runner.busy) return;
    const health = await readHealth(deps.dispenser);
    if (stopped) return; // stopping: the database may be closed already
    show(toHopperHealth(health, deps.coinsCounted()));
  }

  const unsubscribe = deps.runner.onEvent((e) => {
    if (e.kind === 'finished') hopper = afterShortPayout(hopper, e.fault); // before the end screen is shown
    // The runner is still busy while it reports (refresh skips then): read the hopper once it is idle.
    if (e.kind === 'finished' || e.kind === 'in_doubt') void deps.runner.idle().then(refresh);
  });

  return {
    get current() {
      return hopper;
    },
    async open() {
      await deps.dispenser.open().catch((e: unknown) => deps.log.error({ err: e }, 'hopper not reachable at start-up; retrying in the background'));
      await refresh();
    },
    follow() {
      if (stopped || timer) return;
      following = true;
      timer = setInterval(() => void refresh(), deps.pollMs ?? HEALTH_POLL_MS);
      timer.unref();
      unwatch = deps.dispenser.watchHealth?.((h) => {
        if (stopped) return;
        const reconnected = h.connected && !hopper.connected;
        show(toHopperHealth(h, deps.coinsCounted()));
        if (reconnected) deps.onReconnected();
      });
    },
    refresh,
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      unsubscribe();
      unwatch?.();
    },
  };
}
