import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ManualClock, newId } from '../../contract/clock';
import { quote } from '../../contract/money';
import { openKioskDb, type KioskDb } from '../db/open-db';
import { getJob } from '../db/jobs';
import { getTransaction, insertTransaction } from '../db/transactions';
import { PayoutJournal } from '../hardware/payout-journal';
import { createPayoutRunner } from '../kiosk/payout-runner';
import { FakeDispenser } from '../kiosk/testing/fake-dispenser';
import { createCloudClient } from './cloud-client';
import { startJobReceiver, type JobReceiver } from './job-receiver';
import { CloudTime } from './cloud-time';
import { startFakeCloud, type FakeCloud } from './testing/fake-cloud';

const log = pino({ level: 'silent' });
const clock = new ManualClock(Date.now());
let cloud: FakeCloud;
let db: KioskDb;
let receiver: JobReceiver;
let received: string[];

beforeEach(async () => {
  cloud = await startFakeCloud();
  db = openKioskDb(join(mkdtempSync(join(tmpdir(), 'kiosk-jobs-')), 'kiosk.sqlite'));
  received = [];
  receiver = startJobReceiver({
    db,
    clock,
    log,
    client: createCloudClient({ baseUrl: cloud.url, token: () => cloud.token, timeoutMs: 2000 }),
    enrollment: () => ({ kiosk_id: cloud.kioskId, job_public_key: cloud.publicKeyB64 }),
    sink: { awaitsJob: () => true, onJob: (job) => received.push(job.id) }, // every transaction live: delivery tests
    waitSec: 1,
  });
});
afterEach(async () => {
  await receiver.stop();
  db.close();
  await cloud.close();
});

const localTx = (amount = 500) => {
  const id = newId();
  insertTransaction(db, clock, id, quote(amount, { flat_cents: 0, bps: 0 }));
  return id;
};
const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('job receiver', () => {
  it('stores a signed job for our transaction, marks it paid, acks it and hands it on', async () => {
    const tx = localTx();
    const job = cloud.jobFor(tx, 20);
    cloud.queueJob(job);
    await waitFor(() => received.length === 1);
    expect(getJob(db, job.id)?.status).toBe('received');
    expect(getTransaction(db, tx)?.status).toBe('paid');
    expect(cloud.acked).toEqual([job.id]);
    expect(db.prepare("SELECT count(*) FROM outbox WHERE type = 'job.received'").pluck().get()).toBe(1);
  });

  it('refuses a job signed with another key, for another kiosk, expired, or with other coins', async () => {
    const tx = localTx();
    const other = generateKeyPairSync('ed25519').privateKey;
    const base = { id: newId(), transaction_id: tx, kiosk_id: cloud.kioskId, coins: 20, expires_at: new Date(clock.now().getTime() + 60_000).toISOString() };
    const bad = [
      cloud.signJob(base, other),
      cloud.signJob({ ...base, id: newId(), kiosk_id: newId() }),
      cloud.signJob({ ...base, id: newId(), expires_at: new Date(clock.now().getTime() - 1).toISOString() }),
      cloud.signJob({ ...base, id: newId(), coins: 21 }),
      cloud.signJob({ ...base, id: newId(), transaction_id: newId() }),
      { ...cloud.signJob({ ...base, id: newId() }), coins: 19 },
      { ...cloud.signJob({ ...base, id: newId() }), signature: 'not base64 at all!' },
    ];
    for (const job of bad) expect(await receiver.handle(job)).toBe('rejected');
    expect(db.prepare('SELECT count(*) FROM dispense_jobs').pluck().get()).toBe(0);
    expect(getTransaction(db, tx)?.status).toBe('created');
    expect(received).toEqual([]);
  });

  it('treats a second delivery of a job as the same job: one row and one payout', async () => {
    const tx = localTx();
    const journal = new PayoutJournal(db, clock);
    const dispenser = new FakeDispenser(journal);
    const runner = createPayoutRunner({ db, clock, log, dispenser, journal, onWrite: () => {} });
    const job = cloud.jobFor(tx, 20);
    expect(await receiver.handle(job)).toBe('accepted');
    await runner.enqueue(job.id);
    expect(await receiver.handle(job)).toBe('duplicate');
    await runner.enqueue(job.id);
    expect(db.prepare('SELECT count(*) FROM dispense_jobs').pluck().get()).toBe(1);
    expect(dispenser.payouts).toHaveLength(1);
    expect(getJob(db, job.id)).toMatchObject({ status: 'completed', coins_paid: 20 });
    expect(getTransaction(db, tx)).toMatchObject({ status: 'completed', coins_paid: 20 });
  });

  it('accepts a fresh job when the kiosk clock is a day ahead, judging expiry in the cloud time', async () => {
    await receiver.stop();
    const ahead = new ManualClock(Date.now() + 24 * 3600_000);
    const cloudTime = new CloudTime(ahead);
    const got: string[] = [];
    receiver = startJobReceiver({
      db,
      clock: ahead,
      cloudClock: cloudTime,
      log,
      client: createCloudClient({ baseUrl: cloud.url, token: () => cloud.token, timeoutMs: 2000, cloudTime }),
      enrollment: () => ({ kiosk_id: cloud.kioskId, job_public_key: cloud.publicKeyB64 }),
      sink: { awaitsJob: () => true, onJob: (job) => got.push(job.id) },
      waitSec: 1,
    });
    const job = cloud.jobFor(localTx(), 20); // expires an hour after the cloud's now: "expired" by the kiosk clock
    cloud.queueJob(job);
    await waitFor(() => got.length === 1);
    expect(got).toEqual([job.id]);
    expect(Math.round(cloudTime.skew / 3600_000)).toBe(-24);
  });
});
