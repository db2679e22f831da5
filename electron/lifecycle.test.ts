import { describe, expect, it } from 'vitest';
import { ManualClock } from '../contract/clock';
import { createQuitCoordinator, ReloadBackoff } from './lifecycle';

describe('renderer reload backoff', () => {
  it('doubles the delay on each failure in a row up to the cap', () => {
    const clock = new ManualClock();
    const b = new ReloadBackoff(clock, { initialMs: 1000, maxMs: 8000, stableMs: 60_000 });
    const delays = [1, 2, 3, 4, 5].map(() => {
      clock.advance(500);
      return b.nextDelayMs();
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it('starts again from the first delay once the page stayed up for the stable period', () => {
    const clock = new ManualClock();
    const b = new ReloadBackoff(clock, { initialMs: 1000, maxMs: 60_000, stableMs: 60_000 });
    b.nextDelayMs();
    b.nextDelayMs();
    clock.advance(60_000);
    expect(b.nextDelayMs()).toBe(1000);
    expect(b.consecutiveFailures).toBe(1);
  });
});

describe('graceful quit', () => {
  it('waits for the core to stop before exiting, and stops it only once', async () => {
    const events: string[] = [];
    let release!: () => void;
    const q = createQuitCoordinator({
      stop: () => {
        events.push('stop');
        return new Promise<void>((r) => (release = r));
      },
      exit: (code) => events.push(`exit:${code}`),
      onError: () => events.push('error'),
    });
    expect(q.begin()).toBe(true);
    expect(q.begin()).toBe(true);
    expect(q.stopping).toBe(true);
    expect(events).toEqual(['stop']);
    release();
    await q.done;
    expect(events).toEqual(['stop', 'exit:0']);
    expect(q.begin()).toBe(false);
  });

  it('exits with code 1 when the core fails to stop, so systemd restarts it', async () => {
    const events: string[] = [];
    const q = createQuitCoordinator({
      stop: () => Promise.reject(new Error('db locked')),
      exit: (code) => events.push(`exit:${code}`),
      onError: () => events.push('error'),
    });
    q.begin();
    await q.done;
    expect(events).toEqual(['error', 'exit:1']);
  });
});
