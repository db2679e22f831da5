/**
 * The time a payout may take (issue 13, "A payout has a time limit"). A hopper that stops paying
 * while coins remain and sets no fault flag (a coin wedged at the exit, a slipping belt, an ACK-form
 * hopper that never starts) would otherwise keep the payout, the kiosk and its start-up waiting
 * forever. Past either limit the driver sends emergency stop (172) and settles from the counters
 * (cctalk-proof.ts).
 */
export interface PayoutLimits {
  /**
   * Longest time the hopper's 166 reading may stay the same while a taken payout is unfinished (no
   * coin leaves, the counter does not advance). Longer than a hopper's own payout timeout, so that an
   * empty hopper ends with its own flag (SCH2/Flow time out after a few seconds without a coin).
   */
  stallMs: number;
  /** A payout of N coins may take at most `baseMs + N × perCoinMs` in all. */
  baseMs: number;
  perCoinMs: number;
}

/** Defaults: 8 s without change; 8 s + 1 s a coin in all (a Flow pays about 7 coins/s, the slowest hoppers about 2). */
export const DEFAULT_PAYOUT_LIMITS: PayoutLimits = { stallMs: 8000, baseMs: 8000, perCoinMs: 1000 };

export function payoutDeadlineMs(l: PayoutLimits, coins: number): number {
  return l.baseMs + coins * l.perCoinMs;
}
