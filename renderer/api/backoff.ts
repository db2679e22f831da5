import { backoffCeilingMs } from '../../contract/backoff';

/**
 * Reconnect delay: exponential (contract/backoff.ts) with "equal jitter" (half fixed, half random), capped, so a kiosk
 * whose core restarts reconnects within seconds without a tight loop. `random` is injected for tests.
 */
export interface BackoffPolicy {
  base_ms: number;
  max_ms: number;
}
export const DEFAULT_BACKOFF: BackoffPolicy = { base_ms: 250, max_ms: 5_000 };

export function reconnectDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exp = backoffCeilingMs(attempt, { baseMs: policy.base_ms, capMs: policy.max_ms });
  const half = exp / 2;
  return Math.round(half + random() * half);
}
