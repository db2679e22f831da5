/**
 * Exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"), the one rule every
 * retry loop in the kiosk, the screens and the cloud uses. Pure: the caller keeps the attempt count
 * and injects `random`.
 */
export interface BackoffPolicy {
  /** The ceiling of the first attempt (attempt 0). */
  baseMs: number;
  /** No ceiling grows past this. */
  capMs: number;
}

/** min(cap, base · 2^attempt): the longest wait before retry number `attempt` (0-based). */
export function backoffCeilingMs(attempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
}

/** Full jitter: a whole number of ms drawn evenly from [0, ceiling). */
export function fullJitterDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  return Math.floor(random() * backoffCeilingMs(attempt, policy));
}
