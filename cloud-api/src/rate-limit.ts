/**
 * Token buckets in memory, one per key (ARCHITECTURE.md status 429 `rate_limited`). Each bucket holds
 * up to `perMinute` tokens and refills at perMinute/60 per second, so a client may burst a minute's
 * allowance and then goes at the steady rate. In this process only: the store of shared-limits.ts when
 * the cloud runs on PGlite (one instance only).
 */
export interface RateLimiter {
  /** Takes one token; false when the bucket is empty (answer 429). Always true when the limit is 0 (off). */
  take(key: string, nowMs: number): boolean;
  /** Seconds until one token is back, for Retry-After. */
  retryAfterSec(key: string, nowMs: number): number;
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 100_000;

export function createRateLimiter(perMinute: number, maxBuckets = MAX_BUCKETS): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const ratePerMs = perMinute / 60_000;
  const refill = (key: string, nowMs: number): Bucket => {
    const b = buckets.get(key) ?? { tokens: perMinute, at: nowMs };
    b.tokens = Math.min(perMinute, b.tokens + Math.max(0, nowMs - b.at) * ratePerMs);
    b.at = nowMs;
    return b;
  };
  const prune = (nowMs: number) => {
    // A full bucket carries no information: drop those first. If still too many, drop the oldest tenth
    // (Map order = first seen), never all at once: a flood of new keys must not refill every busy bucket.
    for (const [k, b] of buckets) if (b.tokens + (nowMs - b.at) * ratePerMs >= perMinute) buckets.delete(k);
    let excess = buckets.size - Math.floor(maxBuckets * 0.9);
    for (const k of buckets.keys()) {
      if (excess-- <= 0) break;
      buckets.delete(k);
    }
  };
  return {
    take(key, nowMs) {
      if (perMinute <= 0) return true;
      if (buckets.size >= maxBuckets && !buckets.has(key)) prune(nowMs);
      const b = refill(key, nowMs);
      buckets.set(key, b);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
    retryAfterSec(key, nowMs) {
      if (perMinute <= 0) return 0;
      const b = refill(key, nowMs);
      return Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000));
    },
    size: () => buckets.size,
  };
}
