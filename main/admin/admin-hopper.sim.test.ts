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
import { openKioskDb } from '../db/open-db';
import { createCcTalkDispenser } from '../hardware/cctalk-dispenser';
import { PayoutJournal } from '../hardware/payout-journal';
import { startKioskApp } from '../kiosk-app';
import { startRealCloud } from '../../test/support/real-cloud';
import { adminRows } from './testing/tmp-db';

/**
 * Admin hopper commands against the real ccTalk dispenser talking to the hopper simulator over
 * SerialPortMock, inside the whole kiosk core on a real SQLite file.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(simOpts: ConstructorParameters<typeof HopperSimulator>[0] = {}) {
  const log = pino({ level: 'silent' });
  const sim = new HopperSimulator({ echo: false, coinsPerSecond: 200, ...simOpts });
  cleanups.push(() => sim.stop());
  const cloud = await startRealCloud('pglite');
  cleanups.push(() => cloud.close());
  const path = createMockHopperPort(true);
  const config = parseKioskConfig({ CLOUD_URL: cloud.proxy.url, HOPPER_PORT: path, ENROLLMENT_CODE: await cloud.enrollmentCode(), INVENTORY_SEED_COINS: '100', ADMIN_PIN: '2468' });
  const db = openKioskDb(join(mkdtempSync(join(tmpdir(), 'admin-sim-')), 'kiosk.sqlite'));
  const journal = new PayoutJournal(db, systemClock);
  const dispenser = createCcTalkDispenser({ path, binding: simulatedMockBinding(sim), journal, clock: systemClock, log, statusPollMs: 5, replyTimeoutMs: 120 });
  const restarts: number[] = [];
  const app = await startKioskApp(config, { clock: systemClock, log, dispenser, db, requestRestart: () => restarts.push(sim.coinsOut) });
  cleanups.push(async () => {
    await app.stop();
    db.close();
  });
  let latest: KioskState | null = null;
  app.api.onState((s) => (latest = s));
  const waitFor = async (pred: (s: KioskState) => boolean) => {
    for (let i = 0; i < 500 && !(latest && pred(latest)); i++) await new Promise((r) => setTimeout(r, 10));
    expect(latest).toSatisfy((s: KioskState | null) => s !== null && pred(s));
  };
  await waitFor((s) => s.online && s.hopper.connected);
  expect(await app.api.adminUnlock({ pin: '2468' })).toMatchObject({ ok: true });
  return { sim, db, journal, api: app.api, restarts, waitFor };
}

describe('admin hopper commands on the ccTalk simulator', () => {
  it('shows the hopper identity and settles an open intent from its counters, with the evidence', async () => {
    const x = await start({ serial: 345678 });
    const status = await x.api.adminStatus({});
    expect(status.ok && status.value.hopper).toMatchObject({ connected: true, identity: { serial: 345678, category: 'Payout' } });
    x.journal.recordIntent({ jobId: 'tech-test-crash', hopperSerial: 345678, eventCounter: 0, dispenseCount: 0, coins: 4 });
    expect(await x.api.adminResetHopper({})).toMatchObject({ ok: false, error: { code: 'in_doubt' } });
    const r = await x.api.adminSettleInDoubt({});
    expect(r).toMatchObject({ ok: true, value: { settled: [{ job_id: 'tech-test-crash', coins_requested: 4, coins_paid: 0, evidence: expect.stringMatching(/dispense count/) }] } });
    expect(x.journal.openIntents()).toEqual([]);
    expect(x.sim.dispenseCommands).toBe(0);
    expect(adminRows(x.db).events.map((e) => e.type)).toContain('admin.settle_in_doubt');
  });

  it('test-dispenses one real coin and lowers the count by what the hopper proved paid', async () => {
    const x = await start();
    expect(await x.api.adminTestDispense({})).toMatchObject({ ok: true, value: { coins_paid: 1, outcome: 'completed' } });
    expect(x.sim.coinsOut).toBe(1);
    expect(x.journal.getInventory()).toBe(99);
    expect(x.journal.coinsPaidTotal()).toBe(1);
  });

  it('reports a jam from a test dispense, and a reset clears it', async () => {
    const x = await start({ faults: { jamAfterCoins: 0 } });
    const t = await x.api.adminTestDispense({});
    expect(t).toMatchObject({ ok: true, value: { coins_paid: 0, outcome: expect.stringMatching(/jam/) } });
    const st = await x.api.adminStatus({});
    expect(st.ok && st.value.hopper.faults).toContain('jam');
    expect(await x.api.adminResetHopper({})).toMatchObject({ ok: true, value: { faults: [] } });
  });

  it('restarts only after a hopper command in progress has finished', async () => {
    const x = await start({ coinsPerSecond: 20 });
    const paying = x.api.adminTestDispense({});
    expect(await x.api.adminRestart({})).toMatchObject({ ok: true });
    expect(x.restarts).toEqual([]);
    await paying;
    for (let i = 0; i < 100 && x.restarts.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(x.restarts).toEqual([1]);
  });
});
