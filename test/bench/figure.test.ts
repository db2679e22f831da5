import { describe, expect, it } from 'vitest';
import { percentile } from './figure';

describe('percentile', () => {
  it('takes the nearest-rank value, so p50 of 1..10 is 5 and p99 is 10', () => {
    const xs = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
  });
  it('refuses an empty sample', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
  });
});
