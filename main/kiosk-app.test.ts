import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '../contract/clock';
import type { KioskState } from '../contract/kiosk-api';
import { startBridge } from '../sim/worldid/bridge';
import { approve } from '../sim/worldid/phone';
import { startHopperOnPty } from '../sim/hopper/pty';
import { parseKioskConfig } from './config';
import { getTransaction } from './db/transactions';
import { openKioskDb } from './db/open-db';
import { createCcTalkDispenser } from './hardware/cctalk-dispenser';
import { PayoutJournal } from './hardware/payout-journal';
import { startKioskApp } from './kiosk-app';
import { startRealCloud } from '../test/support/real-cloud';
import { installFetchFileShim } from './worldid/fetch-file-shim';
import { startWorldIdRequest } from './worldid/request';

/**
 * The kiosk core with its real parts: real idkit-core against the bridge and phone simulators, the
 * real ccTalk dispenser over a pty to the hopper simulator, a real SQLite file. Only the cloud is
 * the small fake (the lead's integration runs the real cloud-api).
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('kiosk app with real parts', () => {
  it('pays a cash-out through idkit-core and the ccTalk hopper simulator', async () => {
    installFetchFileShim();
    const log = pino({ level: 'silent' });
    const bridge = await startBridge();
    cleanups.push(() => bridge.close());
    const hopper = await startHopperOnPty({ coins: 200, coinsPerSecond: 200 });
    cleanups.push(() => hopper.stop());
    const cloud = await startRealCloud('pglite');
    cleanups.push(() => cloud.close());

    const config = parseKioskConfig({
      CLOUD_URL: cloud.proxy.url,
      HOPPER_PORT: hopper.devicePath,
      ENROLLMENT_CODE: await cloud.enrollmentCode(),
      WORLD_ID_BRIDGE_URL: bridge.url,
      WORLD_ID_ENVIRONMENT: 'staging',
      WORLD_ID_ALLOW_STAGING: '1',
      INVENTORY_SEED_COINS: '200',
    });
    const db = openKioskDb(join(mkdtempSync(join(tmpdir(), 'kiosk-real-')), 'kiosk.sqlite'));
    const dispenser = createCcTalkDispenser({ path: hopper.devicePath, journal: new PayoutJournal(db, systemClock), clock: systemClock, log });
    const app = await startKioskApp(config, { clock: systemClock, log, dispenser, db, startWorldIdRequest });
    cleanups.push(async () => {
      await app.stop();
      db.close();
    });
    let latest: KioskState | null = null;
    app.api.onState((s) => (latest = s));
    const waitFor = async (pred: (s: KioskState) => boolean) => {
      for (let i = 0; i < 1000 && !(latest && pred(latest)); i++) await new Promise((r) => setTimeout(r, 20));
      expect(latest).toSatisfy((s: KioskState | null) => s !== null && pred(s));
      return latest!;
    };

    await waitFor((s) => s.online && s.out_of_service === null && s.hopper.ok);
    const started = await app.api.startCashOut({ amount_cents: 300 });
    expect(started.ok).toBe(true);
    const scan = await waitFor((s) => s.flow.screen === 'scan');
    const phone = await approve(scan.flow.screen === 'scan' ? scan.flow.connector_uri : '', { legacy: true });
    expect(phone.answered).toBe('proof');
    const done = await waitFor((s) => s.flow.screen === 'done' || s.flow.screen === 'error');
    expect(done.flow).toMatchObject({ screen: 'done', coins_paid: 12 });
    const txId = started.ok ? started.value.transaction_id : '';
    expect(getTransaction(db, txId)).toMatchObject({ status: 'completed', coins_paid: 12 });
    expect(hopper.sim.inventory).toBe(188);
  });
});
