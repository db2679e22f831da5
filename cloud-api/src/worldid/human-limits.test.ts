import { describe, expect, it } from 'vitest';
import { dayWindow, humanLimitsFor, isKnownTimeZone } from './human-limits';

describe('humanLimitsFor', () => {
  const limits = { dailyCount: 3, dailyCents: 10_000 };
  it('splits the limit between 3.0 and 4.0 Orb proofs so that together they never exceed it', () => {
    const v4 = humanLimitsFor('4.0', limits, true);
    const v3 = humanLimitsFor('3.0', limits, true);
    expect(v4).toEqual({ dailyCount: 2, dailyCents: 5000 });
    expect(v3).toEqual({ dailyCount: 1, dailyCents: 5000 });
    expect(v4.dailyCount + v3.dailyCount).toBe(limits.dailyCount);
    expect(humanLimitsFor('3.0', { dailyCount: 1, dailyCents: 101 }, true)).toEqual({ dailyCount: 0, dailyCents: 50 });
  });
  it('gives 4.0 the whole limit when legacy proofs are off', () => {
    expect(humanLimitsFor('4.0', limits, false)).toEqual(limits);
  });
});

describe('dayWindow', () => {
  it('is the UTC day for UTC', () => {
    expect(dayWindow(new Date('2026-03-08T23:59:59Z'), 'UTC')).toEqual({ start: new Date('2026-03-08T00:00:00Z'), end: new Date('2026-03-09T00:00:00Z') });
  });
  it("follows the operator's zone, including a day that is 23 hours long", () => {
    // Bogotá: UTC-5 all year.
    expect(dayWindow(new Date('2026-03-09T03:00:00Z'), 'America/Bogota')).toEqual({ start: new Date('2026-03-08T05:00:00Z'), end: new Date('2026-03-09T05:00:00Z') });
    // New York springs forward on 2026-03-08: that day runs 05:00Z → 04:00Z.
    expect(dayWindow(new Date('2026-03-08T12:00:00Z'), 'America/New_York')).toEqual({ start: new Date('2026-03-08T05:00:00Z'), end: new Date('2026-03-09T04:00:00Z') });
  });
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isKnownTimeZone('Europe/Madrid')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
  });
});
