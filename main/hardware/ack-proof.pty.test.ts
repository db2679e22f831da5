import { afterEach, describe, expect, it } from 'vitest';
import { until } from './testing/dispenser-fixture';
import { dispenserOnPty } from './testing/pty-rig';

/**
 * Issue 13, "Money paid but recorded as not paid": an ACK to 167 proves the payout was taken. A
 * hopper whose event counter advances late shows "counter and 168 unchanged" for a while after the
 * ACK; that is never "not taken". Each test ends with coins out of the simulator = coins journaled.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('ACK-form proof over a pty', () => {
  it('records every coin of an ACK-form payout whose event counter advances after the stale-reply window', async () => {
    // staleReplyMs 300 and a 900 ms late counter: two equal clean "unchanged" readings come long before the coins
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { replyForm: 'ack', faults: { lateCounterMs: 900 } }, { replyForm: 'ack', staleReplyMs: 300 });
    const r = await dispenser.payout({ jobId: 'job-ack-late', coins: 9 });
    expect(r).toMatchObject({ coinsPaid: 9, coinsUnpaid: 0, outcome: 'completed', fault: null });
    expect(sim.dispenseLog).toEqual([9]);
    expect(sim.coinsOut).toBe(9);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
    expect(journal.openIntents()).toEqual([]);
  });

  it('settles an open ACK-form intent from a later counter (settleInDoubt waits for the hopper, never "0 paid")', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { replyForm: 'ack', faults: { lateCounterMs: 700 } }, { replyForm: 'ack', staleReplyMs: 200, maxStatusFailures: 2 });
    sim.taps.handled = (header) => {
      if (header === 167) setTimeout(() => void (sim.faults.silent = true), 20); // the ACK leaves, then the cable is pulled
    };
    const e = await dispenser.payout({ jobId: 'job-ack-doubt', coins: 6 }).then(() => null, (x: unknown) => x);
    expect(e).toMatchObject({ code: 'no_reply' });
    sim.faults.silent = false;
    const settled = await dispenser.settleInDoubt(); // this process saw the ACK: taken, waits for the counter
    expect(settled).toEqual([expect.objectContaining({ jobId: 'job-ack-doubt', coinsPaid: 6 })]);
    await until(() => !sim.paying);
    expect(sim.dispenseLog).toEqual([6]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('still proves a refused (NAK) ACK-form dispense not taken, after the stale-reply window, with 163 clean', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { replyForm: 'ack', dispenseForm: 'cipher8' }, { replyForm: 'ack', dispenseForm: 'serial', staleReplyMs: 200 });
    const r = await dispenser.payout({ jobId: 'job-nak', coins: 3 });
    expect(r).toMatchObject({ coinsPaid: 0, coinsUnpaid: 3, outcome: 'failed' });
    expect(sim.coinsOut).toBe(0);
    expect(journal.coinsPaidTotal()).toBe(0);
    expect(sim.seen.get(163) ?? 0).toBeGreaterThan(0);
  });
});
