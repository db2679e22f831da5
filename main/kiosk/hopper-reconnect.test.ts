import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, newId, systemClock } from '../../contract/clock';
import type { KioskState } from '../../contract/kiosk-api';
import { quote } from '../../contract/money';
import { startHopperOnPty } from '../../sim/hopper/pty';
import { parseKioskConfig } from '../config';
import { getJob, receiveJob } from '../db/jobs';
import { openKioskDb } from '../db/open-db';
import { insertTransaction } from '../db/transactions';
import { createCcTalkDispenser } from '../hardware/cctalk-dispenser';
import { PayoutJournal } from '../hardware/payout-journal';
import { until } from '../hardware/testing/dispenser-fixture';
import { startKioskApp } from '../kiosk-app';
import { startRealCloud } from '../../test/support/real-cloud';
import { createPayoutRunner } from './payout-runner';
import { resumeUnfinishedJobs } from './startup-recovery';

/** The hopper's USB cable pulled and put back, seen from the kiosk core (real dispenser on a pty). */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const log = pino({ level: 'silent' });
const tmpDb = () => openKioskDb(join(mkdtempSync(join(tmpdir(), 'kiosk-reconnect-')), 'kiosk.sqlite'));

describe('hopper unplugged and plugged back', () => {
  it('takes the kiosk out of service at once (pushed, not the 5 s poll) and back in service after the reconnect', async () => {
    const hopper = await startHopperOnPty({ coins: 200, coinsPerSecond: 200 });
    cleanups.push(() => hopper.stop());
    const cloud = await startRealCloud('pglite');
    cleanups.push(() => cloud.close());
    const config = parseKioskConfig({ CLOUD_URL: cloud.proxy.url, HOPPER_PORT: hopper.devicePath, ENROLLMENT_CODE: await cloud.enrollmentCode(), INVENTORY_SEED_COINS: '200' });
    const db = tmpDb();
    const dispenser = createCcTalkDispenser({
      path: hopper.devicePath, journal: new PayoutJournal(db, systemClock), clock: systemClock, log, reconnect: { initialMs: 50, maxMs: 200 },
    });
    const app = await startKioskApp(config, { clock: systemClock, log, dispenser, db });
    cleanups.push(async () => {
      await app.stop();
      db.close();
    });
    let latest: KioskState | null = null;
    app.api.onState((s) => (latest = s));
    const state = () => latest;
    await until(() => state()?.out_of_service === null && state()?.hopper.ok === true, 10_000);

    await hopper.unplug();
    await until(() => state()?.out_of_service === 'hopper', 2_000);
    expect(state()?.hopper).toMatchObject({ connected: false, ok: false });

    await hopper.replug();
    await until(() => state()?.out_of_service === null && state()?.hopper.connected === true, 3_000);
  });

  it('pays a job that met an unplugged hopper once it is back and the unfinished jobs are resumed', async () => {
    const hopper = await startHopperOnPty({ coins: 200, coinsPerSecond: 200 });
    cleanups.push(() => hopper.stop());
    const db = tmpDb();
    cleanups.push(() => db.close());
    const clock = new ManualClock(Date.now());
    const journal = new PayoutJournal(db, clock);
    const dispenser = createCcTalkDispenser({
      path: hopper.devicePath, journal, clock, log, statusPollMs: 20, reconnect: { initialMs: 50, maxMs: 200 },
    });
    await dispenser.open();
    cleanups.push(() => dispenser.close());
    const runner = createPayoutRunner({ db, clock, log, dispenser, journal, onWrite: () => undefined, customerPresent: () => true });
    const tx = insertTransaction(db, clock, newId(), quote(500, { flat_cents: 0, bps: 0 }));
    const jobId = newId();
    receiveJob(db, clock, { id: jobId, transaction_id: tx.id, kiosk_id: newId(), coins: 20, expires_at: new Date(clock.now().getTime() + 900_000).toISOString(), signature: 'test' });

    await hopper.unplug();
    await until(async () => !(await dispenser.health()).connected);
    await runner.enqueue(jobId);
    // issue 13: refused before anything was journaled (the hopper away): not in doubt, the job waits
    expect(getJob(db, jobId)?.status).toBe('dispensing');
    expect(journal.paidForJob(jobId)).toMatchObject({ intents: 0, openIntents: 0 });
    expect(hopper.sim.dispenseCommands).toBe(0);

    await hopper.replug();
    await until(async () => (await dispenser.health()).connected, 3_000);
    expect(resumeUnfinishedJobs(db, runner)).toBe(1);
    await runner.idle();
    expect(getJob(db, jobId)).toMatchObject({ status: 'completed', coins_paid: 20 });
    expect(hopper.sim.dispenseLog).toEqual([20]);
  });
});
