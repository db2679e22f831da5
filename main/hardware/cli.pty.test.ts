import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHopperOnPty } from '../../sim/hopper/pty';
import { lockDataFolder } from './data-folder-lock';
import { TECHNICIAN_JOB_PREFIX } from './payout-journal';
import { tmpJournal } from './testing/dispenser-fixture';
import { runCli } from './testing/run-cli';

/**
 * Issue 13: the technician CLI pays through the kiosk's own journal (the data folder's kiosk.sqlite),
 * refuses while the kiosk core holds the data folder or any payout intent is open, and journals its
 * payout under a technician job id, never a customer's. Each case ends with coins out of the
 * simulator = coins the kiosk's journal recorded.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const hopper = await startHopperOnPty({ coinsPerSecond: 100 });
  cleanups.push(() => hopper.stop());
  const j = tmpJournal();
  cleanups.push(j.dispose);
  return { hopper, sim: hopper.sim, journal: j.journal, dataDir: dirname(j.path), cli: (args: string[]) => runCli(hopper.devicePath, ['--data-dir', dirname(j.path), ...args]) };
}

describe('technician CLI and the kiosk journal', () => {
  it('refuses to dispense (or reset) while a customer intent is open, then pays under a technician id once it is settled', async () => {
    const x = await setup();
    const customer = x.journal.recordIntent({ jobId: 'job-customer', hopperSerial: x.sim.serial, eventCounter: 0, dispenseCount: 0, coins: 5 });
    for (const command of [['dispense', '3'], ['reset']]) {
      const refused = await x.cli(command);
      expect(refused.code).toBe(1);
      expect(refused.json).toMatchObject({ ok: false, error: { code: 'in_doubt', message: expect.stringContaining('1 payout intent(s) are open') } });
    }
    expect(x.sim.seen.size).toBe(0); // not one frame reached the hopper
    expect(x.sim.coinsOut).toBe(0);

    x.journal.recordOutcome(customer, { coinsPaid: 0, eventCounterAfter: 0, settledBy: 'startup' }); // the kiosk settled it
    const paid = await x.cli(['dispense', '4']);
    expect(paid).toMatchObject({ code: 0, json: { ok: true, paid: 4, job_id: expect.stringMatching(new RegExp(`^${TECHNICIAN_JOB_PREFIX}`)) } });
    expect(x.journal.coinsPaidTotal()).toBe(x.sim.coinsOut);
    expect(x.journal.paidForJob('job-customer')).toMatchObject({ coinsPaid: 0, openIntents: 0, settledByHand: 0 }); // never the customer's
  });

  it('refuses every command while the kiosk core holds the data folder, and touches neither the hopper nor the journal', async () => {
    const x = await setup();
    const kiosk = lockDataFolder(x.dataDir, 'pid 4242'); // what a running kiosk core holds
    cleanups.push(() => kiosk.release());
    for (const command of [['dispense', '2'], ['status'], ['reset']]) {
      const refused = await x.cli(command);
      expect(refused.code).toBe(1);
      expect(refused.json).toMatchObject({ ok: false, error: { code: 'kiosk_running', message: expect.stringContaining('another kiosk core (pid 4242)') } });
    }
    expect(x.sim.seen.size).toBe(0);
    expect(x.journal.coinsPaidTotal()).toBe(0);
    kiosk.release();
    expect(await x.cli(['dispense', '2'])).toMatchObject({ code: 0, json: { ok: true, paid: 2 } });
    expect(x.journal.coinsPaidTotal()).toBe(x.sim.coinsOut);
  });

  it('refuses to dispense without a kiosk journal rather than keeping one of its own', async () => {
    const hopper = await startHopperOnPty({});
    cleanups.push(() => hopper.stop());
    const r = await runCli(hopper.devicePath, ['dispense', '1']);
    expect(r).toMatchObject({ code: 1, json: { ok: false, error: { code: 'no_journal', message: expect.stringContaining('--data-dir') } } });
    expect(hopper.sim.coinsOut).toBe(0);
  });
});
