import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { type HopperOnPty, startHopperOnPty } from '../../sim/hopper/pty';
import type { HopperSimOptions } from '../../sim/hopper/sim-types';
import { openKioskDb } from '../db/open-db';
import type { CcTalkDispenserOptions } from './cctalk-dispenser';
import { DispenserError } from './dispenser';
import { PayoutJournal } from './payout-journal';
import { tmpJournal, until } from './testing/dispenser-fixture';
import { dispenserOnPty } from './testing/pty-rig';
import { runCli } from './testing/run-cli';

/** The real `serialport` on a socat pty, against the simulator on the other side. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const onPty = (simOpts: HopperSimOptions = {}, opts: Partial<CcTalkDispenserOptions> = {}) => dispenserOnPty(cleanups, simOpts, opts);

const cli = (hopper: HopperOnPty, args: string[]) => runCli(hopper.devicePath, args);

describe('ccTalk dispenser over a real pty (socat) against the simulator', () => {
  it('pays a normal 20-coin payout and journals exactly what left the hopper', async () => {
    const { sim, dispenser, journal } = await onPty();
    const r = await dispenser.payout({ jobId: 'job-20', coins: 20 });
    expect(r).toMatchObject({ coinsPaid: 20, coinsUnpaid: 0, outcome: 'completed', fault: null });
    expect(sim.coinsOut).toBe(20);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('records a partial payout with the unpaid coins when the hopper empties mid-payout', async () => {
    const { sim, dispenser, journal } = await onPty({ inventory: 8 });
    const r = await dispenser.payout({ jobId: 'job-empty', coins: 20 });
    expect(r).toMatchObject({ coinsPaid: 8, coinsUnpaid: 12, outcome: 'partial', fault: 'empty' });
    expect(journal.intent(r.intentId)).toMatchObject({ outcome: 'partial', coinsPaid: 8 });
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('records a jam as a partial payout with fault jam', async () => {
    const { sim, dispenser, journal } = await onPty({ faults: { jamAfterCoins: 5 } });
    const r = await dispenser.payout({ jobId: 'job-jam', coins: 10 });
    expect(r).toMatchObject({ coinsPaid: 5, coinsUnpaid: 5, outcome: 'partial', fault: 'jam' });
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('counts a payout whose dispense reply was lost, without a second 167', async () => {
    const { sim, dispenser, journal } = await onPty({ faults: { dropReplyAfterPaying: true } });
    const r = await dispenser.payout({ jobId: 'job-lost', coins: 10 });
    expect(r).toMatchObject({ coinsPaid: 10, outcome: 'completed' });
    expect(sim.dispenseCommands).toBe(1);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('leaves a payout cut by a power cycle in doubt, then settles it from the EEPROM counters', async () => {
    const { sim, dispenser, journal } = await onPty({ faults: { powerCycleMidPayout: { afterCoins: 7, offMs: 2000 } } }, { maxStatusFailures: 1 });
    const e = await dispenser.payout({ jobId: 'job-cut', coins: 20 }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(DispenserError);
    expect(journal.openIntents()).toHaveLength(1);
    await until(() => sim.powered);
    const settled = await dispenser.settleInDoubt();
    expect(settled).toEqual([expect.objectContaining({ jobId: 'job-cut', coinsPaid: 7 })]);
    expect(journal.openIntents()).toEqual([]);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
    expect(sim.dispenseCommands).toBe(1);
  });

  it('answers the technician CLI probe with one JSON object', async () => {
    const hopper = await startHopperOnPty({});
    cleanups.push(() => hopper.stop());
    const { code, json } = await cli(hopper, ['probe']);
    expect(code).toBe(0);
    expect(json).toEqual({ ok: true, command: 'probe', manufacturer: 'RoluSim', category: 'Payout', product: 'SIM-HOPPER', serial: 345678, software: 'sim-1.0' });
  });

  it('dispenses through the CLI into the kiosk journal of --data-dir, and exits non-zero on a short payout', async () => {
    const hopper = await startHopperOnPty({ coinsPerSecond: 100, inventory: 9 });
    cleanups.push(() => hopper.stop());
    const j = tmpJournal();
    cleanups.push(j.dispose);
    const full = await cli(hopper, ['--data-dir', dirname(j.path), 'dispense', '6']);
    expect(full).toMatchObject({ code: 0, json: { ok: true, command: 'dispense', requested: 6, paid: 6, unpaid: 0, event_counter: 1 } });
    const short = await cli(hopper, ['--data-dir', dirname(j.path), 'dispense', '6']);
    expect(short.code).not.toBe(0);
    expect(short.json).toMatchObject({ ok: false, requested: 6, paid: 3, unpaid: 3, error: { code: 'empty' } });
    const db = openKioskDb(j.path);
    cleanups.push(() => db.close());
    expect(new PayoutJournal(db, new ManualClock()).coinsPaidTotal()).toBe(hopper.sim.coinsOut);
  });

  it('reports a missing device as a CLI error a technician can act on', async () => {
    const fake = { devicePath: '/dev/does-not-exist-h1' } as HopperOnPty;
    const { code, json } = await cli(fake, ['status']);
    expect(code).toBe(1);
    expect(json).toMatchObject({ ok: false, command: 'status', error: { code: 'line', message: expect.stringContaining('check the device path') } });
  });
});
