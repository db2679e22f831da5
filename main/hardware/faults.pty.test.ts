import { afterEach, describe, expect, it } from 'vitest';
import { DispenserError } from './dispenser';
import { until } from './testing/dispenser-fixture';
import { dispenserOnPty } from './testing/pty-rig';

/**
 * Every simulator fault hook driven over a real pty (cctalk-hopper.md "What a faithful simulator
 * reproduces"): each ends with the journal holding exactly the coins that left the hopper
 * (the simulator's own `coinsOut`) and with one accepted 167 per payout (`dispenseLog`).
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const rig = (...a: Parameters<typeof dispenserOnPty> extends [unknown, ...infer R] ? R : never) => dispenserOnPty(cleanups, ...a);

describe('simulator fault hooks over a pty', () => {
  it('decides a payout from the counters when the hopper pays but drops the 167 reply', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { dropReplyAfterPaying: true } });
    const r = await dispenser.payout({ jobId: 'job-drop', coins: 9 });
    expect(r).toMatchObject({ coinsPaid: 9, outcome: 'completed' });
    expect(journal.intent(r.intentId)).toMatchObject({ outcome: 'paid', coinsPaid: 9, settledBy: 'status' });
    expect(sim.dispenseLog).toEqual([9]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('never re-sends a 167 whose reply has a corrupt checksum', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { armOn: { header: 167, faults: { corruptChecksum: 1 } } } });
    const r = await dispenser.payout({ jobId: 'job-corrupt', coins: 7 });
    expect(r).toMatchObject({ coinsPaid: 7, outcome: 'completed' });
    expect(journal.intent(r.intentId)?.settledBy).toBe('status');
    expect(sim.dispenseLog).toEqual([7]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('retries status polls whose replies are corrupt and still records the exact payout', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { armOn: { header: 166, faults: { corruptChecksum: 2 } } } });
    const r = await dispenser.payout({ jobId: 'job-corrupt-poll', coins: 6 });
    expect(r).toMatchObject({ coinsPaid: 6, outcome: 'completed' });
    expect(sim.dispenseLog).toEqual([6]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('decides a 167 answered after the reply timeout from the counters, despite the stale reply on the line', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { lateReplyTo: { header: 167, ms: 400 } } });
    const r = await dispenser.payout({ jobId: 'job-late', coins: 12 });
    expect(r).toMatchObject({ coinsPaid: 12, outcome: 'completed' });
    expect(sim.dispenseLog).toEqual([12]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('pays normally when every reply is late but inside the reply timeout', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { answerLateMs: 60 } });
    const r = await dispenser.payout({ jobId: 'job-slow', coins: 4 });
    expect(r).toMatchObject({ coinsPaid: 4, outcome: 'completed' });
    expect(journal.intent(r.intentId)?.settledBy).toBe('reply');
    expect(sim.dispenseLog).toEqual([4]);
  });

  it('journals nothing and pays nothing when every reply comes after the timeout', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { answerLateMs: 400 } });
    await expect(dispenser.payout({ jobId: 'job-too-late', coins: 4 })).rejects.toMatchObject({ code: expect.stringMatching(/^(no_reply|line)$/) }); // silence, or a stale late reply breaking the next echo
    expect(journal.openIntents()).toEqual([]);
    expect(sim.dispenseCommands).toBe(0);
    expect(sim.coinsOut).toBe(0);
  });

  it('leaves a payout in doubt when the cable is pulled right after the 167, then settles it once the line is back', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { armOn: { header: 167, faults: { silent: true } } } }, { maxStatusFailures: 2 });
    const e = await dispenser.payout({ jobId: 'job-cable', coins: 10 }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(DispenserError);
    expect((e as DispenserError).code).toBe('no_reply');
    expect(journal.openIntents()).toHaveLength(1);
    sim.faults.silent = false; // cable back in
    const settled = await dispenser.settleInDoubt();
    expect(settled).toEqual([expect.objectContaining({ jobId: 'job-cable', coinsPaid: 10 })]);
    expect(sim.dispenseLog).toEqual([10]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('skips garbage in front of replies during a payout', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { armOn: { header: 167, faults: { sendGarbage: 8 } } } });
    const r = await dispenser.payout({ jobId: 'job-garbage', coins: 5 });
    expect(r).toMatchObject({ coinsPaid: 5, outcome: 'completed' });
    expect(sim.dispenseLog).toEqual([5]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
    sim.faults.sendGarbage = 8; // and in front of a status reply between payouts
    const r2 = await dispenser.payout({ jobId: 'job-garbage-2', coins: 3 });
    expect(r2).toMatchObject({ coinsPaid: 3, outcome: 'completed' });
    expect(sim.dispenseLog).toEqual([5, 3]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('records a short power dip mid-payout as partial with fault power_up, from the dispense count', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { powerCycleMidPayout: { afterCoins: 4, offMs: 40 } } });
    const r = await dispenser.payout({ jobId: 'job-dip', coins: 10 });
    expect(r).toMatchObject({ coinsPaid: 4, coinsUnpaid: 6, outcome: 'partial', fault: 'power_up' });
    expect(sim.dispenseLog).toEqual([10]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('settles a payout cut by a long power cut from the EEPROM counters after power returns', async () => {
    const { sim, dispenser, journal } = await rig({ faults: { powerCycleMidPayout: { afterCoins: 5, offMs: 700 } } }, { maxStatusFailures: 1 });
    await expect(dispenser.payout({ jobId: 'job-cut', coins: 12 })).rejects.toBeInstanceOf(DispenserError);
    await until(() => sim.powered);
    expect(await dispenser.settleInDoubt()).toEqual([expect.objectContaining({ jobId: 'job-cut', coinsPaid: 5 })]);
    expect(sim.dispenseLog).toEqual([12]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });
});
