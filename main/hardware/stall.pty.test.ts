import { afterEach, describe, expect, it } from 'vitest';
import { H } from './cctalk/hopper';
import { until } from './testing/dispenser-fixture';
import { dispenserOnPty } from './testing/pty-rig';

/**
 * Issue 13, "A payout has a time limit": coins stop leaving while some remain and no fault flag is
 * set. The driver sends emergency stop (172), settles from the counters, ends the payout with what
 * was proven and reports 'stall' until a technician resets the hopper. Start-up settlement has the
 * same limit. Each test ends with coins out of the simulator = coins journaled.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const limits = { stallMs: 500, baseMs: 1000, perCoinMs: 200 };

describe('stalled payouts over a pty', () => {
  it('stops a stalled payout with 172, records the coins that left, and stays out of service until reset', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { faults: { stallAfterCoins: 4 } }, { limits });
    const r = await dispenser.payout({ jobId: 'job-stall', coins: 10 });
    expect(r).toMatchObject({ coinsPaid: 4, coinsUnpaid: 6, outcome: 'partial', fault: 'stall' });
    expect(sim.seen.get(H.emergencyStop)).toBe(1);
    expect(sim.coinsOut).toBe(4);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
    expect((await dispenser.health()).faults).toContain('stall');
    await expect(dispenser.payout({ jobId: 'job-after-stall', coins: 2 })).rejects.toMatchObject({ code: 'stall' });
    expect(journal.openIntents()).toEqual([]);
    await dispenser.reset?.();
    expect((await dispenser.health()).faults).not.toContain('stall');
    expect(await dispenser.payout({ jobId: 'job-after-reset', coins: 2 })).toMatchObject({ coinsPaid: 2, outcome: 'completed' });
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
    expect(sim.dispenseLog).toEqual([10, 2]);
  });

  it('stops an ACK-form payout the hopper acknowledged but never started, and records 0 from the unchanged 168', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { replyForm: 'ack', faults: { lateCounterMs: 60_000 } }, { replyForm: 'ack', limits });
    const r = await dispenser.payout({ jobId: 'job-never-started', coins: 5 });
    expect(r).toMatchObject({ coinsPaid: 0, coinsUnpaid: 5, outcome: 'failed', fault: 'stall' });
    expect(sim.seen.get(H.emergencyStop)).toBe(1);
    expect(sim.coinsOut).toBe(0);
    expect(journal.coinsPaidTotal()).toBe(0);
    expect(journal.openIntents()).toEqual([]);
  });

  it('settles an intent whose hopper is stalled at start-up within the time limit (the kiosk still comes up)', async () => {
    const { sim, dispenser, journal } = await dispenserOnPty(cleanups, { faults: { stallAfterCoins: 3 } }, { limits });
    // what a killed kiosk leaves: an intent journaled, its 167 taken, nobody polling
    const h = dispenser.hopper!;
    const before = await h.status();
    journal.recordIntent({ jobId: 'job-restart-stall', hopperSerial: sim.serial, eventCounter: before.eventCounter, dispenseCount: await h.dispenseCount(), coins: 8 });
    await h.enable(true);
    await h.dispense(8, { kind: 'serial', serial: sim.serial, replyForm: 'event_counter' });
    await until(() => sim.coinsOut === 3);
    const t0 = performance.now();
    const settled = await dispenser.settleInDoubt();
    expect(performance.now() - t0).toBeLessThan(limits.baseMs + 8 * limits.perCoinMs + 2 * limits.stallMs);
    expect(settled).toEqual([expect.objectContaining({ jobId: 'job-restart-stall', coinsPaid: 3 })]);
    expect(sim.seen.get(H.emergencyStop)).toBe(1);
    expect((await dispenser.health()).faults).toContain('stall');
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('length-checks the 172 reply', async () => {
    const { dispenser } = await dispenserOnPty(cleanups);
    const h = dispenser.hopper!;
    expect(await h.emergencyStop()).toBe(0);
  });
});
