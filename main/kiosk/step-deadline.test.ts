import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import type { Timers } from '../sync/backoff';
import { sessionCaps, StepDeadline } from './step-deadline';

/** Timers a test fires by hand, in due order against the clock. */
function manualTimers(clock: ManualClock) {
  const due = new Map<number, { at: number; fn: () => void }>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (fn, ms) => (due.set(++next, { at: clock.now().getTime() + ms, fn }), next),
    clearTimeout: (h) => void due.delete(h as number),
  };
  const advance = (ms: number) => {
    clock.advance(ms);
    for (const [h, t] of [...due]) {
      if (t.at > clock.now().getTime()) continue;
      due.delete(h);
      t.fn();
    }
  };
  return { timers, advance, pending: () => due.size };
}

describe('sessionCaps (issue 16: never past the cloud)', () => {
  it('counts the cloud\'s durations from the local answer time, 30 s early, whatever the cloud\'s clock says', () => {
    const answeredAt = new Date('2026-03-01T10:00:00Z');
    // The cloud's clock runs 7 minutes ahead: only its durations count (tx 600 s, rp_context 300 s).
    const caps = sessionCaps({
      transaction: { created_at: '2026-03-01T10:07:00Z', expires_at: '2026-03-01T10:17:00Z' } as never,
      rp_context: { created_at: 1_772_359_620, expires_at: 1_772_359_920 } as never,
    }, answeredAt);
    expect(new Date(caps.payMs).toISOString()).toBe('2026-03-01T10:09:30.000Z');
    expect(new Date(caps.scanMs).toISOString()).toBe('2026-03-01T10:04:30.000Z');
  });
});

describe('StepDeadline', () => {
  it('fires once at its deadline; an extension re-arms it; after it fired nothing may be added', () => {
    const clock = new ManualClock();
    const t = manualTimers(clock);
    let fired = 0;
    const d = new StepDeadline({ screen: 'scan', clock, timers: t.timers, durationMs: 10_000, capMs: clock.now().getTime() + 100_000, moreTime: { stepSec: 60, maxPerStep: 1 }, onExpire: () => fired++ });
    t.advance(9_000);
    expect(d.extend()).toBe(true);
    expect(d.extensionsLeft).toBe(0);
    t.advance(2_000);
    expect(fired).toBe(0);
    t.advance(59_000);
    expect(fired).toBe(1);
    expect(d.extend()).toBe(false);
    expect(t.pending()).toBe(0);
  });

  it('offers nothing when the cap is less than 15 s away, and clamps an extension to the cap', () => {
    const clock = new ManualClock();
    const t = manualTimers(clock);
    const start = clock.now().getTime();
    const near = new StepDeadline({ screen: 'waiting_payment', clock, timers: t.timers, durationMs: 60_000, capMs: start + 70_000, moreTime: { stepSec: 60, maxPerStep: 2 }, onExpire: () => {} });
    expect(near.extensionsLeft).toBe(0);
    expect(near.extend()).toBe(false);
    near.stop();
    const far = new StepDeadline({ screen: 'waiting_payment', clock, timers: t.timers, durationMs: 60_000, capMs: start + 100_000, moreTime: { stepSec: 60, maxPerStep: 2 }, onExpire: () => {} });
    expect(far.extend()).toBe(true);
    expect(far.expiresAt).toBe(new Date(start + 100_000).toISOString());
    expect(far.extensionsLeft).toBe(0);
    far.stop();
    expect(t.pending()).toBe(0);
  });
});
