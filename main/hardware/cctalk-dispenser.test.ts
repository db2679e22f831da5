import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { HopperSimulator } from '../../sim/hopper/simulator';
import type { HopperSimOptions } from '../../sim/hopper/sim-types';
import { createMockHopperPort, simulatedMockBinding } from '../../sim/hopper/mock-binding';
import { type CcTalkDispenserOptions, createCcTalkDispenser } from './cctalk-dispenser';
import { DispenserError } from './dispenser';
import { silentLog, tmpJournal, until } from './testing/dispenser-fixture';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(simOpts: HopperSimOptions = {}, opts: Partial<CcTalkDispenserOptions> = {}) {
  const sim = new HopperSimulator({ echo: false, coinsPerSecond: 400, ...simOpts });
  const j = tmpJournal();
  const dispenser = createCcTalkDispenser({
    path: createMockHopperPort(true),
    binding: simulatedMockBinding(sim),
    journal: j.journal,
    clock: new ManualClock(),
    log: silentLog,
    statusPollMs: 5,
    replyTimeoutMs: 120,
    ...opts,
  });
  await dispenser.open();
  cleanups.push(j.dispose, () => sim.stop(), () => dispenser.close());
  return { sim, dispenser, journal: j.journal };
}

describe('createCcTalkDispenser over SerialPortMock', () => {
  it('pays 20 coins, journals them and reports progress that never decreases', async () => {
    const { sim, dispenser, journal } = await setup();
    journal.setInventory(100);
    const progress: number[] = [];
    const r = await dispenser.payout({ jobId: 'job-1', coins: 20, onProgress: (n) => progress.push(n) });
    expect(r).toMatchObject({ coinsRequested: 20, coinsPaid: 20, coinsUnpaid: 0, outcome: 'completed', fault: null });
    expect(sim.coinsOut).toBe(20);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
    expect(journal.intent(r.intentId)).toMatchObject({ outcome: 'paid', coinsPaid: 20, settledBy: 'reply' });
    expect(journal.getInventory()).toBe(80);
    expect(progress.at(-1)).toBe(20);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('records a partial payout with fault empty when the bowl runs out', async () => {
    const { sim, dispenser, journal } = await setup({ inventory: 7 });
    const r = await dispenser.payout({ jobId: 'job-empty', coins: 10 });
    expect(r).toMatchObject({ coinsPaid: 7, coinsUnpaid: 3, outcome: 'partial', fault: 'empty' });
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('records a jam as a partial payout with fault jam', async () => {
    const { sim, dispenser, journal } = await setup({ faults: { jamAfterCoins: 4 } });
    const r = await dispenser.payout({ jobId: 'job-jam', coins: 9 });
    expect(r).toMatchObject({ coinsPaid: 4, outcome: 'partial', fault: 'jam' });
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('decides a lost dispense reply from the event counter and never sends 167 twice', async () => {
    const { sim, dispenser, journal } = await setup({ faults: { dropReplyAfterPaying: true } });
    const r = await dispenser.payout({ jobId: 'job-lost', coins: 12 });
    expect(r).toMatchObject({ coinsPaid: 12, outcome: 'completed' });
    expect(sim.dispenseCommands).toBe(1);
    expect(journal.intent(r.intentId)?.settledBy).toBe('status');
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('keeps polling after a corrupt dispense reply when the event counter moved', async () => {
    const { sim, dispenser, journal } = await setup();
    const realReceive = sim.receive.bind(sim);
    sim.receive = (b) => {
      if (b[3] === 167) sim.faults.corruptChecksum = 1;
      realReceive(b);
    };
    const r = await dispenser.payout({ jobId: 'job-corrupt', coins: 6 });
    expect(r).toMatchObject({ coinsPaid: 6, outcome: 'completed' });
    expect(journal.intent(r.intentId)?.settledBy).toBe('status');
    expect(sim.dispenseCommands).toBe(1);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('treats a dispense the hopper never received (event counter unchanged) as not taken', async () => {
    const { sim, dispenser, journal } = await setup();
    const realReceive = sim.receive.bind(sim);
    sim.receive = (b) => (b[3] === 167 ? undefined : realReceive(b)); // the 167 never reaches the hopper
    const r = await dispenser.payout({ jobId: 'job-not-taken', coins: 5 });
    expect(r).toMatchObject({ coinsPaid: 0, coinsUnpaid: 5, outcome: 'failed', fault: 'no_reply' });
    expect(sim.coinsOut).toBe(0);
    expect(journal.openIntents()).toEqual([]);
  });

  it('refuses a new payout while an intent is in doubt, then settles it from the counters', async () => {
    const { sim, dispenser, journal } = await setup(
      { coinsPerSecond: 100, faults: { powerCycleMidPayout: { afterCoins: 6, offMs: 1500 } } },
      { maxStatusFailures: 1 },
    );
    const e = await dispenser.payout({ jobId: 'job-cut', coins: 15 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DispenserError);
    expect(journal.openIntents()).toHaveLength(1);
    await expect(dispenser.payout({ jobId: 'job-next', coins: 1 })).rejects.toMatchObject({ code: 'in_doubt' });
    await until(() => sim.powered);
    const settled = await dispenser.settleInDoubt();
    expect(settled).toEqual([expect.objectContaining({ jobId: 'job-cut', coinsRequested: 15, coinsPaid: 6 })]);
    expect(settled[0]!.evidence).toMatch(/power-cycle/);
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
    expect(sim.dispenseCommands).toBe(1);
  });

  it('settles a payout cut by a short power dip inside payout() from the dispense count', async () => {
    const { sim, dispenser, journal } = await setup({ coinsPerSecond: 100, faults: { powerCycleMidPayout: { afterCoins: 3, offMs: 30 } } });
    const r = await dispenser.payout({ jobId: 'job-dip', coins: 8 });
    expect(r).toMatchObject({ coinsPaid: 3, outcome: 'partial', fault: 'power_up' });
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('settles an intent whose dispense was never taken as 0 paid', async () => {
    const { sim, dispenser, journal } = await setup();
    journal.recordIntent({ jobId: 'job-crash', hopperSerial: sim.serial, eventCounter: 0, dispenseCount: 0, coins: 4 });
    const settled = await dispenser.settleInDoubt();
    expect(settled).toEqual([expect.objectContaining({ jobId: 'job-crash', coinsPaid: 0 })]);
    expect(sim.dispenseCommands).toBe(0);
  });

  it('reports identity, faults and level in health, and disconnected when the hopper is silent', async () => {
    const { sim, dispenser } = await setup({ inventory: 5 });
    const h = await dispenser.health();
    expect(h).toMatchObject({ connected: true, faults: ['power_up'], level: 'low' });
    expect(h.identity).toMatchObject({ category: 'Payout', serial: 345678 });
    sim.faults.silent = true;
    expect(await dispenser.health()).toMatchObject({ connected: false, faults: ['no_reply'] });
  });

  it('pays with the 8-byte dispense form and an ACK reply', async () => {
    const { sim, dispenser, journal } = await setup({ dispenseForm: 'cipher8', replyForm: 'ack' }, { dispenseForm: 'cipher8', replyForm: 'ack' });
    const r = await dispenser.payout({ jobId: 'job-cipher', coins: 5 });
    expect(r).toMatchObject({ coinsPaid: 5, outcome: 'completed' });
    expect(journal.coinsPaidTotal()).toBe(sim.coinsOut);
  });

  it('refuses a second payout while one runs, and close() waits for the running one', async () => {
    const { sim, dispenser } = await setup({ coinsPerSecond: 100 });
    const running = dispenser.payout({ jobId: 'job-a', coins: 5 });
    await expect(dispenser.payout({ jobId: 'job-b', coins: 1 })).rejects.toMatchObject({ code: 'busy' });
    await dispenser.close();
    await expect(running).resolves.toMatchObject({ coinsPaid: 5, outcome: 'completed' });
    expect(sim.coinsOut).toBe(5);
  });

  it('rejects a payout with code closed after close()', async () => {
    const { dispenser } = await setup();
    await dispenser.close();
    await expect(dispenser.payout({ jobId: 'job-closed', coins: 1 })).rejects.toMatchObject({ code: 'closed' });
  });
});
