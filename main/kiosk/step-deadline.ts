import type { Clock } from '../../contract/clock';
import type { CreateTransactionResponse } from '../../contract/http';
import type { Timers } from '../sync/backoff';

/**
 * Issue 16 "Need more time?": the countdown of a step the customer acts on (scan, pay) can be pushed out
 * by MORE_TIME_SEC (default 60 s: time to find the phone, open World App and scan or confirm) at most
 * MORE_TIME_MAX times per step (default 2: three minutes of scan at most, and a kiosk nobody walked away
 * from is never held longer than that for one extra tap each minute).
 *
 * Presence rule (issue 15): the kiosk never keeps a step open past what the cloud still accepts. An
 * extension stops at the step's `capMs` (see `sessionCaps`), and the button is not offered when less than
 * MORE_TIME_MIN_SEC would be left to add.
 */
export const MORE_TIME_MIN_SEC = 15;
/**
 * Kept free before the cloud's own limits: the scan's proof must still reach the cloud (World App's
 * round trip, the portal check) before the rp_context and the transaction expire, and a payment made
 * at the last second must still be confirmed and get its job before the transaction's expires_at.
 */
export const CLOUD_MARGIN_SEC = 30;
/** The World ID bridge keeps a request 900 s after it was created (world-id.md "Bridge wire protocol"). */
export const BRIDGE_REQUEST_TTL_SEC = 900;

export interface MoreTimeConfig {
  /** Seconds one "More time" adds (MORE_TIME_SEC). */
  stepSec: number;
  /** Taps allowed per step (MORE_TIME_MAX). */
  maxPerStep: number;
}

/** The latest local times (ms) a step may end, from the cloud's register answer. */
export interface SessionCaps {
  /** Scan: the World ID request must be answered and checked while rp_context, bridge and transaction live. */
  scanMs: number;
  /** Pay: the payment must be confirmed and its job created before the transaction's expires_at. */
  payMs: number;
}

/**
 * The cloud's limits turned into the kiosk's clock. Durations are taken from the cloud's own pairs
 * (created_at → expires_at) and counted from the local time the answer arrived, which is later than the
 * cloud's creation: no clock sync needed, and the kiosk errs on the early side.
 */
export function sessionCaps(reg: Pick<CreateTransactionResponse, 'transaction' | 'rp_context'>, answeredAt: Date): SessionCaps {
  const at = answeredAt.getTime();
  const margin = CLOUD_MARGIN_SEC * 1000;
  const txMs = at + (Date.parse(reg.transaction.expires_at) - Date.parse(reg.transaction.created_at)) - margin;
  const rpMs = at + (reg.rp_context.expires_at - reg.rp_context.created_at) * 1000 - margin;
  const bridgeMs = at + BRIDGE_REQUEST_TTL_SEC * 1000 - margin;
  return { scanMs: Math.min(txMs, rpMs, bridgeMs), payMs: txMs };
}

/**
 * One step's countdown: fires `onExpire` once at `expiresAt`; `extend()` moves it out (bounded); `stop()`
 * when the step is left. Times are the injected clock's; the timer is re-armed on every change.
 */
export class StepDeadline {
  private ms: number;
  private used = 0;
  private timer: unknown = null;
  private fired = false;

  constructor(
    private readonly o: { screen: 'scan' | 'waiting_payment'; clock: Clock; timers: Timers; durationMs: number; capMs: number; moreTime: MoreTimeConfig; onExpire: () => void },
  ) {
    this.ms = o.clock.now().getTime() + o.durationMs;
    this.arm();
  }

  get screen(): 'scan' | 'waiting_payment' {
    return this.o.screen;
  }

  get expiresAt(): string {
    return new Date(this.ms).toISOString();
  }

  /** Taps left for this step; 0 once the count is used, time is up, or the cap leaves too little to add. */
  get extensionsLeft(): number {
    if (this.fired || this.used >= this.o.moreTime.maxPerStep) return 0;
    if (this.o.capMs - this.ms < MORE_TIME_MIN_SEC * 1000) return 0;
    return this.o.moreTime.maxPerStep - this.used;
  }

  /** Adds MORE_TIME_SEC (less when the cap is nearer). False when no more time may be added. */
  extend(): boolean {
    if (this.extensionsLeft === 0) return false;
    this.ms = Math.min(this.ms + this.o.moreTime.stepSec * 1000, this.o.capMs);
    this.used += 1;
    this.arm();
    return true;
  }

  stop(): void {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    this.stop();
    const delay = Math.max(0, this.ms - this.o.clock.now().getTime());
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      this.fired = true;
      this.o.onExpire();
    }, delay);
  }
}
