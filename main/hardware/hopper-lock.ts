import type { Dispenser, PayoutRequest } from './dispenser';

/**
 * One hopper, one command that moves coins or counters at a time (issue 6: "admin refuses
 * state-changing hopper commands during a customer payout"). The kiosk gives this wrapper to both
 * the payout runner and the admin service: a customer job that arrives while a technician test
 * dispense runs waits for it instead of meeting a 'busy' device (which would leave the job in
 * doubt). payout, settleInDoubt and reset queue on one lock; open, close, health and watchHealth
 * pass through.
 */
export interface LockedDispenser extends Dispenser {
  /** True while a payout, settle or reset holds the hopper. */
  readonly busy: boolean;
  /** Resolves once nothing holds or waits for the hopper. */
  idle(): Promise<void>;
}

export function withHopperLock(inner: Dispenser): LockedDispenser {
  let chain: Promise<unknown> = Promise.resolve();
  let holders = 0;
  function locked<T>(fn: () => Promise<T>): Promise<T> {
    holders += 1;
    const run = chain.then(fn).finally(() => (holders -= 1));
    chain = run.catch(() => undefined);
    return run;
  }
  const wrapped: LockedDispenser = {
    get busy() {
      return holders > 0;
    },
    async idle() {
      while (holders > 0) await chain;
    },
    open: () => inner.open(),
    close: () => inner.close(),
    health: () => inner.health(),
    payout: (request: PayoutRequest) => locked(() => inner.payout(request)),
    settleInDoubt: () => locked(() => inner.settleInDoubt()),
  };
  const reset = inner.reset?.bind(inner);
  if (reset) wrapped.reset = () => locked(reset);
  const watchHealth = inner.watchHealth?.bind(inner);
  if (watchHealth) wrapped.watchHealth = watchHealth;
  return wrapped;
}
