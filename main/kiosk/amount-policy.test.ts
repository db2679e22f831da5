import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import type { KioskState } from '../../contract/kiosk-api';
import { createApp } from '../../cloud-api/src/app';
import type { CloudConfig } from '../../cloud-api/src/config';
import { createHarness, OPERATOR_TOKEN, silentLog, type Harness } from '../../cloud-api/src/testing/harness';
import { TEST_RECIPIENT } from '../../cloud-api/src/testing/payment-flows';
import { parseKioskConfig } from '../config';
import { getAmountPolicy } from '../db/kiosk-state';
import { openKioskDb, type KioskDb } from '../db/open-db';
import { getTransaction } from '../db/transactions';
import { PayoutJournal } from '../hardware/payout-journal';
import { startKioskApp } from '../kiosk-app';
import { FakeDispenser } from './testing/fake-dispenser';
import { fakeWorldId } from './testing/fake-world-id';

/**
 * Limits and fees have one source, the cloud's configuration (ARCHITECTURE.md "One source for limits
 * and fees"): the real cloud app (createApp on PGlite) serves the real kiosk core over HTTP; the
 * cloud can be "restarted" with another configuration on the same database.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function startCloud(env: Record<string, string>) {
  const h: Harness = await createHarness('pglite', env);
  let app = h.app;
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: (req) => app.fetch(req), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await h.dispose();
  });
  return {
    url,
    /** The same database, served again with a changed configuration. */
    reconfigure(change: Partial<CloudConfig>) {
      app = createApp({ db: h.tdb.db, config: { ...h.config, ...change }, clock: h.clock, log: silentLog });
    },
    async enrollmentCode() {
      const res = await h.req('POST', '/v1/fleet/enrollment-codes', { token: OPERATOR_TOKEN });
      return ((await res.json()) as { code: string }).code;
    },
  };
}

async function startKiosk(db: KioskDb, env: Record<string, string>) {
  const config = parseKioskConfig({ HOPPER_PORT: '/dev/null', KIOSK_DATA_DIR: '/unused', INVENTORY_SEED_COINS: '400', ...env } as Record<string, string>);
  const clock = new ManualClock(Date.now());
  const worldId = fakeWorldId();
  const dispenser = new FakeDispenser(new PayoutJournal(db, clock));
  const app = await startKioskApp(config, { clock, log: pino({ level: 'silent' }), dispenser, db, startWorldIdRequest: worldId.start });
  const states: KioskState[] = [];
  app.api.onState((s) => states.push(s));
  cleanups.push(() => app.stop());
  const latest = () => states[states.length - 1]!;
  const waitFor = async (pred: (s: KioskState) => boolean, what: string) => {
    for (let i = 0; i < 1000 && !pred(latest()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(latest(), `waiting for ${what}`).toSatisfy(pred);
    return latest();
  };
  return { app, api: app.api, states, latest, waitFor };
}

function kioskDb(): KioskDb {
  const db = openKioskDb(join(mkdtempSync(join(tmpdir(), 'amount-policy-')), 'kiosk.sqlite'));
  cleanups.push(() => {
    db.close();
  });
  return db;
}

// The kiosk's own env says something else on purpose: it is only the fallback before the first contact.
const KIOSK_ENV = { FEE_FLAT_CENTS: '0', FEE_BPS: '500', LIMIT_MAX_CENTS: '5000', PRESETS_CENTS: '500,1000,2000,4000' };
const CLOUD_ENV = { FEE_FLAT_CENTS: '10', FEE_BPS: '250', MAX_AMOUNT_CENTS: '3000' };

describe("the kiosk applies the cloud's limits and fee", () => {
  it('from enrolment on, refreshed by sync; the cloud quote still wins; kept across a restart', async () => {
    const cloud = await startCloud(CLOUD_ENV);
    const db = kioskDb();
    const k = await startKiosk(db, { ...KIOSK_ENV, CLOUD_URL: cloud.url, ENROLLMENT_CODE: await cloud.enrollmentCode() });

    const ready = await k.waitFor((s) => s.out_of_service === null, 'the kiosk in service');
    expect(ready.fee).toEqual({ flat_cents: 10, bps: 250 });
    expect(ready.payment_mode).toBe('none');
    // Presets are the kiosk's; the one above the cloud's maximum is not offered.
    expect(ready.limits).toEqual({ min_cents: 100, max_cents: 3000, presets_cents: [500, 1000, 2000] });
    // The screen never showed a fee the cloud would not charge: before enrolment it is out of service.
    expect(k.states.filter((s) => s.out_of_service === null).every((s) => s.fee.bps === 250)).toBe(true);
    expect(await k.api.startCashOut({ amount_cents: 4000 })).toMatchObject({ ok: false, error: { code: 'amount_out_of_range' } });

    const first = await k.api.startCashOut({ amount_cents: 1000 });
    const scan = await k.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    expect(scan.flow).toMatchObject({ amount_cents: 1000, fee_cents: 35, total_cents: 1035 }); // 10 + ⌈1000 × 2.5 %⌉
    expect((await k.api.cancel({})).ok).toBe(true);

    // The operator changes the cloud's fee. The kiosk still shows the old one until it hears from the cloud ...
    cloud.reconfigure({ FEE_BPS: 300 });
    expect(k.latest().fee).toEqual({ flat_cents: 10, bps: 250 });
    // ... and the next cash-out is quoted by the cloud (POST /v1/transactions), whatever the kiosk showed.
    const second = await k.api.startCashOut({ amount_cents: 1000 });
    const rescan = await k.waitFor((s) => s.flow.screen === 'scan', 'the QR again');
    expect(rescan.flow).toMatchObject({ fee_cents: 40, total_cents: 1040 });
    const txId = second.ok ? second.value.transaction_id : '';
    expect(getTransaction(db, txId)).toMatchObject({ fee_cents: 40, total_cents: 1040 });
    // That write was synced; the sync answer carried the new policy, now on the screen.
    const refreshed = await k.waitFor((s) => s.fee.bps === 300, "the cloud's new fee");
    expect(refreshed.fee).toEqual({ flat_cents: 10, bps: 300 });
    expect((await k.api.cancel({})).ok).toBe(true);
    expect(first.ok).toBe(true);

    // A restart with the cloud out of reach: the stored policy, not the env fallback.
    await k.app.stop();
    expect(getAmountPolicy(db)).toEqual({ min_cents: 100, max_cents: 3000, fee: { flat_cents: 10, bps: 300 }, payment_mode: 'none', day_time_zone: 'UTC' });
    const again = await startKiosk(db, { ...KIOSK_ENV, CLOUD_URL: 'http://127.0.0.1:9' });
    expect(again.latest()).toMatchObject({ payment_mode: 'none', fee: { flat_cents: 10, bps: 300 }, limits: { max_cents: 3000, presets_cents: [500, 1000, 2000] } });
  });

  it('uses the env values only before the first contact', async () => {
    const db = kioskDb();
    const k = await startKiosk(db, { ...KIOSK_ENV, CLOUD_URL: 'http://127.0.0.1:9' });
    // Who pays is unknown too: the screens use neutral wording (renderer/ui/payment-wording.tsx).
    expect(k.latest()).toMatchObject({ out_of_service: 'not_enrolled', fee: { flat_cents: 0, bps: 500 }, limits: { max_cents: 5000 }, payment_mode: null });
    expect(getAmountPolicy(db)).toBeNull();
  });

  it("tells the screen the cloud's payment mode (issue 14): world_app from enrolment, none after the cloud changes it", async () => {
    const cloud = await startCloud({ ...CLOUD_ENV, PAYMENT_MODE: 'world_app', DEV_PORTAL_BASE_URL: 'http://127.0.0.1:9', DEV_PORTAL_API_KEY: 'api_test', PAYMENT_RECIPIENT: TEST_RECIPIENT });
    const db = kioskDb();
    const k = await startKiosk(db, { ...KIOSK_ENV, CLOUD_URL: cloud.url, ENROLLMENT_CODE: await cloud.enrollmentCode() });
    expect((await k.waitFor((s) => s.out_of_service === null, 'the kiosk in service')).payment_mode).toBe('world_app');

    cloud.reconfigure({ PAYMENT_MODE: 'none' });
    // The cash-out's write is synced; the sync answer carries the new mode.
    expect((await k.api.startCashOut({ amount_cents: 1000 })).ok).toBe(true);
    await k.waitFor((s) => s.payment_mode === 'none', "the cloud's new payment mode");
    expect(getAmountPolicy(db)?.payment_mode).toBe('none');
  });

  it("tells the screen the zone of the cloud's day (PER_HUMAN_DAY_TIME_ZONE), kept across a restart, for the daily limit's reset time", async () => {
    const cloud = await startCloud({ ...CLOUD_ENV, PER_HUMAN_DAY_TIME_ZONE: 'America/Bogota' });
    const db = kioskDb();
    const k = await startKiosk(db, { ...KIOSK_ENV, CLOUD_URL: cloud.url, ENROLLMENT_CODE: await cloud.enrollmentCode() });
    expect((await k.waitFor((s) => s.out_of_service === null, 'the kiosk in service')).day_time_zone).toBe('America/Bogota');
    expect(getAmountPolicy(db)?.day_time_zone).toBe('America/Bogota');
  });
});
