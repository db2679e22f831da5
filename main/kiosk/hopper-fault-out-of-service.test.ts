import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '../../contract/clock';
import type { KioskState } from '../../contract/kiosk-api';
import { createMockHopperPort, simulatedMockBinding } from '../../sim/hopper/mock-binding';
import { HopperSimulator } from '../../sim/hopper/simulator';
import { parseKioskConfig } from '../config';
import { getJobForTransaction } from '../db/jobs';
import { openKioskDb } from '../db/open-db';
import { getTransaction } from '../db/transactions';
import { createCcTalkDispenser } from '../hardware/cctalk-dispenser';
import { PayoutJournal } from '../hardware/payout-journal';
import { startKioskApp } from '../kiosk-app';
import { startRealCloud } from '../../test/support/real-cloud';
import { fakeWorldId } from './testing/fake-world-id';
import { startHarness, type Harness } from './testing/kiosk-harness';

/**
 * PRODUCT.md: the kiosk never takes a customer's money for a payout it cannot make. A jam latches
 * in the hopper (163 register 1 b0) until a reset, and the hopper NAKs every 167 meanwhile
 * (cctalk-hopper.md): after a payout ends in a jam the kiosk is out of service ('hopper') until a
 * technician resets it. The whole kiosk core with the real ccTalk dispenser against the hopper
 * simulator over SerialPortMock; only World ID and the cloud are small fakes.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start() {
  const log = pino({ level: 'silent' });
  const sim = new HopperSimulator({ echo: false, coinsPerSecond: 200, coins: 200 });
  cleanups.push(() => sim.stop());
  const cloud = await startRealCloud('pglite');
  cleanups.push(() => cloud.close());
  const path = createMockHopperPort(true);
  const config = parseKioskConfig({ CLOUD_URL: cloud.proxy.url, HOPPER_PORT: path, ENROLLMENT_CODE: await cloud.enrollmentCode(), INVENTORY_SEED_COINS: '200', ADMIN_PIN: '2468' });
  const db = openKioskDb(join(mkdtempSync(join(tmpdir(), 'hopper-fault-')), 'kiosk.sqlite'));
  const dispenser = createCcTalkDispenser({ path, binding: simulatedMockBinding(sim), journal: new PayoutJournal(db, systemClock), clock: systemClock, log, statusPollMs: 5, replyTimeoutMs: 120 });
  const worldId = fakeWorldId();
  const app = await startKioskApp(config, { clock: systemClock, log, dispenser, db, startWorldIdRequest: worldId.start });
  cleanups.push(async () => {
    await app.stop();
    db.close();
  });
  const states: KioskState[] = [];
  app.api.onState((s) => states.push(s));
  const latest = () => states[states.length - 1]!;
  const waitFor = async (pred: (s: KioskState) => boolean, what: string) => {
    for (let i = 0; i < 500 && !(states.length > 0 && pred(latest())); i++) await new Promise((r) => setTimeout(r, 10));
    expect(latest(), `waiting for ${what}`).toSatisfy(pred);
    return latest();
  };
  await waitFor((s) => s.online && s.out_of_service === null && s.hopper.ok, 'the kiosk in service');
  /** A customer's cash-out up to the end of its payout (PAYMENT_MODE=none: the job follows World ID). */
  const cashOut = async (amountCents: number) => {
    const started = await app.api.startCashOut({ amount_cents: amountCents });
    expect(started.ok).toBe(true);
    const txId = started.ok ? started.value.transaction_id : '';
    await waitFor((s) => s.flow.screen === 'scan', 'the QR');
    worldId.approve();
    const end = await waitFor((s) => (s.flow.screen === 'done' || s.flow.screen === 'error') && 'transaction_id' in s.flow && s.flow.transaction_id === txId, 'the end of the payout');
    return { txId, end, endIndex: states.lastIndexOf(end) };
  };
  return { sim, db, worldId, api: app.api, states, latest, waitFor, cashOut };
}

/** A customer's 8-coin job that meets a jam the hopper latched after the customer started (issue 13: a latched 163 before the 167). */
async function jobMeetsJam() {
  const x = await start();
  const started = await x.api.startCashOut({ amount_cents: 200 }); // 8 coins
  const txId = started.ok ? started.value.transaction_id : '';
  await x.waitFor((s) => s.flow.screen === 'scan', 'the QR');
  (x.sim as unknown as { flags: { jam: boolean } }).flags.jam = true;
  x.worldId.approve();
  const waiting = await x.waitFor((s) => s.flow.screen === 'error', 'the waiting screen');
  return { x, txId, waiting };
}

describe('a hopper fault takes the kiosk out of service', { timeout: 60_000 }, () => {
  it('after a payout ends in a jam: out of service until the technician resets the hopper, then pays again', async () => {
    const x = await start();
    x.sim.faults.jamAfterCoins = 4;
    const first = await x.cashOut(300); // 12 coins
    expect(getTransaction(x.db, first.txId)).toMatchObject({ status: 'partial', coins_paid: 4 });
    // The very state that ends the customer's screen already refuses the next customer.
    const firstEnd = x.states.find((s) => s.flow.screen === 'error');
    expect(firstEnd?.out_of_service).toBe('hopper');
    expect(firstEnd?.hopper.faults).toContain('jam');
    // Still so after the runner went idle and the hopper was read again (163 test hopper): the jam is latched.
    const testsSeen = x.sim.seen.get(163) ?? 0;
    for (let i = 0; i < 100 && (x.sim.seen.get(163) ?? 0) === testsSeen; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // the reply, then the state
    expect(x.sim.seen.get(163)).toBeGreaterThan(testsSeen);
    expect(x.latest()).toMatchObject({ out_of_service: 'hopper', hopper: { ok: false, faults: expect.arrayContaining(['jam']) } });

    expect((await x.api.dismiss({})).ok).toBe(true);
    const refused = await x.api.startCashOut({ amount_cents: 100 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'hopper' } });
    expect(x.sim.dispenseCommands).toBe(1);

    // The technician's visit: reset on the admin screen clears the latched fault.
    expect(await x.api.adminUnlock({ pin: '2468' })).toMatchObject({ ok: true });
    expect(await x.api.adminResetHopper({})).toMatchObject({ ok: true, value: { faults: [] } });
    expect(await x.api.adminLock({})).toMatchObject({ ok: true });
    await x.waitFor((s) => s.out_of_service === null && s.hopper.ok, 'the kiosk back in service');

    const second = await x.cashOut(200); // 8 coins
    expect(getTransaction(x.db, second.txId)).toMatchObject({ status: 'completed', coins_paid: 8 });
    expect(x.sim.coinsOut).toBe(12);
    expect(x.latest().out_of_service).toBeNull();
  });

  it('a job that arrives while the hopper is jammed is not started: it waits for the reset, then pays the customer still at the screen', async () => {
    const { x, txId, waiting } = await jobMeetsJam();
    expect(waiting.flow).toMatchObject({ screen: 'error', error: { code: 'payout_waiting' }, transaction_id: txId, coins_owed: null });
    await x.waitFor((s) => s.out_of_service === 'hopper', 'out of service');
    expect(getJobForTransaction(x.db, txId)).toMatchObject({ status: 'dispensing', coins_paid: 0 });
    expect(x.db.prepare('SELECT COUNT(*) FROM payout_intents').pluck().get()).toBe(0); // not started: nothing journaled
    expect(x.sim.dispenseCommands).toBe(0);

    // The technician's visit while the customer waits: the reset puts the kiosk back and the job pays.
    expect(await x.api.adminUnlock({ pin: '2468' })).toMatchObject({ ok: true });
    expect(await x.api.adminResetHopper({})).toMatchObject({ ok: true, value: { faults: [] } });
    expect(await x.api.adminLock({})).toMatchObject({ ok: true });
    await x.waitFor((s) => s.flow.screen === 'done', 'the payout after the reset');
    expect(getTransaction(x.db, txId)).toMatchObject({ status: 'completed', coins_paid: 8 });
    expect(x.sim.coinsOut).toBe(8);
    expect(x.sim.dispenseLog).toEqual([8]);
  });

  it('a job that waited for the reset ends with every coin owed when its customer has left', async () => {
    const { x, txId } = await jobMeetsJam();
    expect((await x.api.dismiss({})).ok).toBe(true); // the customer walks away
    expect(await x.api.adminUnlock({ pin: '2468' })).toMatchObject({ ok: true });
    expect(await x.api.adminResetHopper({})).toMatchObject({ ok: true });
    expect(await x.api.adminLock({})).toMatchObject({ ok: true });
    for (let i = 0; i < 300 && getTransaction(x.db, txId)?.status !== 'failed'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(getJobForTransaction(x.db, txId)).toMatchObject({ status: 'failed', coins_paid: 0 });
    expect(getTransaction(x.db, txId)).toMatchObject({ status: 'failed', coins_paid: 0, reason: 'the customer is no longer at the screen: 8 coins owed' });
    expect(x.sim.coinsOut).toBe(0);
    expect(x.sim.dispenseCommands).toBe(0);
  });
});

/** The hopper is read again as soon as the runner is idle after a payout, not at the next 5-s poll. */
describe('the hopper read right after a payout', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.stop();
    h = null;
  });
  const soon = async (x: Harness, pred: (s: KioskState) => boolean) => {
    for (let i = 0; i < 100 && !pred(x.latest()); i++) await new Promise((r) => setTimeout(r, 10));
    return x.latest();
  };
  const payOne = async (x: Harness) => {
    await x.waitFor((s) => s.online && s.out_of_service === null, 'the kiosk in service');
    expect((await x.api.startCashOut({ amount_cents: 100 })).ok).toBe(true);
    await x.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    x.worldId.approve();
  };

  it('finds a fault the hopper latched during a payout that completed', async () => {
    h = await startHarness();
    h.dispenser.hold();
    await payOne(h);
    await h.waitFor((s) => s.flow.screen === 'dispensing', 'the payout');
    h.dispenser.healthValue = { connected: true, identity: null, faults: ['opto'], level: 'ok' };
    h.dispenser.release();
    await h.waitFor((s) => s.flow.screen === 'done', 'the receipt');
    expect(await soon(h, (s) => s.out_of_service !== null)).toMatchObject({ out_of_service: 'hopper', hopper: { faults: ['opto'] } });
  });

  it('is back in service at once when the fault a short payout ended with has cleared', async () => {
    h = await startHarness({ dispenser: (d) => (d.payable = 1) });
    await payOne(h);
    await h.waitFor((s) => s.flow.screen === 'error', 'the end of the payout');
    expect(h.states.find((s) => s.flow.screen === 'error')).toMatchObject({ out_of_service: 'hopper', hopper: { ok: false, faults: ['empty'] } });
    expect(await soon(h, (s) => s.out_of_service === null)).toMatchObject({ out_of_service: null, hopper: { ok: true, faults: [] } });
  });
});
