import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './backoff';

describe('reconnectDelayMs', () => {
  const policy = { base_ms: 250, max_ms: 5_000 };
  it('doubles per attempt and never passes the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((a) => reconnectDelayMs(a, policy, () => 1))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
  it('keeps at least half of the delay whatever the jitter', () => {
    expect(reconnectDelayMs(3, policy, () => 0)).toBe(1000);
  });
});
