import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, fullJitterDelayMs } from './backoff';

describe('backoff', () => {
  const policy = { baseMs: 1000, capMs: 5000 };
  it('doubles the ceiling per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 4, 99].map((a) => backoffCeilingMs(a, policy))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
  });
  it('draws a full-jitter delay in [0, ceiling)', () => {
    expect(fullJitterDelayMs(2, policy, () => 0)).toBe(0);
    expect(fullJitterDelayMs(2, policy, () => 0.5)).toBe(2000);
    expect(fullJitterDelayMs(2, policy, () => 0.9999)).toBe(3999);
  });
});
