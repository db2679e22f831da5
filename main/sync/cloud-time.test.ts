import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { CloudTime } from './cloud-time';

describe('CloudTime', () => {
  it('follows the cloud when the kiosk clock is a day ahead', () => {
    const local = new ManualClock(Date.UTC(2026, 10, 26, 12, 0, 0));
    const cloud = new CloudTime(local);
    cloud.observe(new Date(Date.UTC(2026, 10, 25, 12, 0, 0)).toUTCString());
    expect(cloud.now().toISOString()).toBe('2026-11-25T12:00:00.000Z');
    local.advance(60_000);
    expect(cloud.now().toISOString()).toBe('2026-11-25T12:01:00.000Z');
  });

  it('ignores sub-2-second differences, missing and unreadable headers', () => {
    const local = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0, 500));
    const cloud = new CloudTime(local);
    cloud.observe(new Date(Date.UTC(2026, 10, 25, 12, 0, 1)).toUTCString());
    expect(cloud.skew).toBe(0);
    cloud.observe(undefined);
    cloud.observe('yesterday-ish');
    expect(cloud.skew).toBe(0);
    expect(cloud.now().getTime()).toBe(local.now().getTime());
  });
});
