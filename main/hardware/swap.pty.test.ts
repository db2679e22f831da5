import { afterEach, describe, expect, it } from 'vitest';
import { DispenserError } from './dispenser';
import { until } from './testing/dispenser-fixture';
import { dispenserOnPty } from './testing/pty-rig';

/**
 * Issue 13: a hopper swapped behind the same port (same USB adapter, no reconnect) while a payout is
 * open. Its counters say nothing about that payout: after the power-up the driver reads the serial
 * again, never settles from the new hopper's 168, and reports 'swapped' until settled by hand.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a hopper swapped mid-payout behind the same port', () => {
  it('never books the new hopper\'s counters to the open payout, and reports swapped', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { serial: 111111 }, { maxStatusFailures: 2, staleReplyMs: 200 });
    sim.taps.coin = (out) => {
      if (out !== 3) return;
      sim.taps.coin = undefined;
      void sim.swap(222222, 300, { dispenseCount: 5000 }); // a new hopper with 5000 coins on its own count
    };
    const e = await dispenser.payout({ jobId: 'job-swapped', coins: 10 }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(DispenserError);
    await until(() => sim.powered);
    expect(await dispenser.settleInDoubt()).toEqual([]);
    expect(journal.openIntents()).toEqual([expect.objectContaining({ jobId: 'job-swapped', hopperSerial: 111111 })]);
    expect((await dispenser.health()).faults).toContain('swapped');
    await expect(dispenser.payout({ jobId: 'job-next', coins: 1 })).rejects.toMatchObject({ code: 'in_doubt' });
    expect(sim.coinsOut).toBe(3); // what the customer got, to be counted by hand
    expect(journal.coinsPaidTotal()).toBe(0);
    expect(sim.dispenseLog).toEqual([10]);
  });
});
