import { describe, expect, it } from 'vitest';
import { DayTimeZoneSchema, dayWindow } from './operator-day';

/** When a daily limit resets: the end of the operator's day (the kiosk's error screen and the cloud's count share it). */
const resetOf = (iso: string, zone: string) => dayWindow(new Date(iso), zone).end.toISOString();

describe('the operator day and when a daily limit resets', () => {
  it('is the next UTC midnight for UTC, across a month and a year end', () => {
    expect(resetOf('2026-12-02T23:59:59.000Z', 'UTC')).toBe('2026-12-03T00:00:00.000Z');
    expect(resetOf('2026-12-31T00:00:00.000Z', 'UTC')).toBe('2027-01-01T00:00:00.000Z');
  });
  it('is the next midnight in Bogotá (UTC-5 all year), also when it is already the next UTC day', () => {
    expect(resetOf('2026-12-02T20:00:00.000Z', 'America/Bogota')).toBe('2026-12-03T05:00:00.000Z');
    // 02:00 UTC on the 3rd is still the 2nd in Bogotá: the limit resets at 05:00 UTC on the 3rd, not at the UTC midnight just past.
    expect(resetOf('2026-12-03T02:00:00.000Z', 'America/Bogota')).toBe('2026-12-03T05:00:00.000Z');
  });
  it('follows Berlin across both DST changes (23- and 25-hour days)', () => {
    // 2026-03-29: clocks spring forward at 02:00 CET; that day runs 28 Mar 23:00Z → 29 Mar 22:00Z.
    expect(dayWindow(new Date('2026-03-29T12:00:00.000Z'), 'Europe/Berlin')).toEqual({ start: new Date('2026-03-28T23:00:00.000Z'), end: new Date('2026-03-29T22:00:00.000Z') });
    expect(resetOf('2026-03-28T22:59:59.000Z', 'Europe/Berlin')).toBe('2026-03-28T23:00:00.000Z');
    // 2026-10-25: clocks fall back at 03:00 CEST; that day runs 24 Oct 22:00Z → 25 Oct 23:00Z.
    expect(dayWindow(new Date('2026-10-25T12:00:00.000Z'), 'Europe/Berlin')).toEqual({ start: new Date('2026-10-24T22:00:00.000Z'), end: new Date('2026-10-25T23:00:00.000Z') });
  });
  it('accepts UTC and IANA zones, refuses made-up ones', () => {
    expect(['UTC', 'America/Bogota', 'Europe/Berlin'].map((z) => DayTimeZoneSchema.safeParse(z).success)).toEqual([true, true, true]);
    expect(DayTimeZoneSchema.safeParse('Mars/Olympus').success).toBe(false);
  });
});
