import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { ManualClock, newId } from '../../contract/clock';
import { canonicalJobBytes, type SignedJob, type UnsignedJob } from '../../contract/job';
import { getJob } from '../db/jobs';
import { getTransaction } from '../db/transactions';
import { PayoutJournal } from '../hardware/payout-journal';
import { createPayoutRunner } from '../kiosk/payout-runner';
import { FakeDispenser } from '../kiosk/testing/fake-dispenser';
import { cloudJobOf, paidTransaction, silent as log, startRealCloud, type RealCloud, type TestKiosk } from '../../test/support/real-cloud';
import { createCloudClient } from './cloud-client';
import { startJobReceiver, type JobReceiver } from './job-receiver';
import { CloudTime } from './cloud-time';

/** The real job receiver against the real cloud (PGlite), which creates, signs and leases the jobs. */
const clock = new ManualClock(Date.now());
let rc: RealCloud;
let k: TestKiosk;
let receiver: JobReceiver;
let received: string[];

beforeAll(async () => {
  rc = await startRealCloud('pglite');
});
afterAll(async () => {
  await rc.close();
});
beforeEach(async () => {
  k = await rc.kiosk('jobs');
  received = [];
  receiver = startJobReceiver({
    db: k.db,
    clock,
    log,
    client: k.client,
    enrollment: () => ({ kiosk_id: k.id, job_public_key: k.jobPublicKey }),
    sink: { awaitsJob: () => true, onJob: (job) => received.push(job.id) }, // every transaction live: delivery tests
    waitSec: 1,
  });
});
afterEach(async () => {
  await receiver.stop();
});

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

/** The job the cloud made and signed for a paid transaction, as stored for delivery. */
async function cloudJob(transactionId: string): Promise<SignedJob> {
  const { rows } = await rc.cloud.db.query<{ id: string; coins: number; expires_at: Date; signature: string }>(
    'SELECT id, coins, expires_at, signature FROM dispense_jobs WHERE transaction_id = $1',
    [transactionId],
  );
  const row = rows[0]!;
  return { id: row.id, transaction_id: transactionId, kiosk_id: k.id, coins: Number(row.coins), expires_at: new Date(row.expires_at).toISOString(), signature: row.signature };
}

describe('job receiver', () => {
  it('stores a signed job for our transaction, marks it paid, acks it and hands it on', async () => {
    const tx = await paidTransaction(rc, k);
    await waitFor(() => received.length === 1);
    const [job] = await cloudJobOf(rc, tx);
    expect(received).toEqual([job!.id]);
    expect(getJob(k.db, job!.id)?.status).toBe('received');
    expect(getTransaction(k.db, tx)?.status).toBe('paid');
    expect((await cloudJobOf(rc, tx))[0]?.status).toBe('acked');
    expect(k.db.prepare("SELECT count(*) FROM outbox WHERE type = 'job.received'").pluck().get()).toBe(1);
  });

  it('refuses a job signed with another key, for another kiosk, expired, or with other coins', async () => {
    await receiver.stop(); // the cloud's own delivery of the genuine job is not under test here
    const tx = await paidTransaction(rc, k);
    const genuine = await cloudJob(tx);
    const { signature: _, ...base } = genuine;
    const other = generateKeyPairSync('ed25519').privateKey;
    const signWith = (job: UnsignedJob, key = other): SignedJob => ({ ...job, signature: sign(null, canonicalJobBytes(job), key).toString('base64') });
    const bad = [
      signWith(base),
      rc.jobSigner.sign({ ...base, id: newId(), kiosk_id: newId() }),
      rc.jobSigner.sign({ ...base, id: newId(), expires_at: new Date(clock.now().getTime() - 1).toISOString() }),
      rc.jobSigner.sign({ ...base, id: newId(), coins: base.coins + 1 }),
      rc.jobSigner.sign({ ...base, id: newId(), transaction_id: newId() }),
      { ...rc.jobSigner.sign({ ...base, id: newId() }), coins: base.coins - 1 },
      { ...rc.jobSigner.sign({ ...base, id: newId() }), signature: 'not base64 at all!' },
    ];
    for (const job of bad) expect(await receiver.handle(job)).toBe('rejected');
    expect(k.db.prepare('SELECT count(*) FROM dispense_jobs').pluck().get()).toBe(0);
    expect(getTransaction(k.db, tx)?.status).toBe('created');
    expect(received).toEqual([]);
  });

  it('treats a second delivery of a job as the same job: one row and one payout', async () => {
    await receiver.stop();
    const tx = await paidTransaction(rc, k);
    const journal = new PayoutJournal(k.db, clock);
    const dispenser = new FakeDispenser(journal);
    const runner = createPayoutRunner({ db: k.db, clock, log, dispenser, journal, onWrite: () => {}, customerPresent: () => true });
    const job = await cloudJob(tx);
    expect(await receiver.handle(job)).toBe('accepted');
    await runner.enqueue(job.id);
    expect(await receiver.handle(job)).toBe('duplicate');
    await runner.enqueue(job.id);
    expect(k.db.prepare('SELECT count(*) FROM dispense_jobs').pluck().get()).toBe(1);
    expect(dispenser.payouts).toHaveLength(1);
    expect(getJob(k.db, job.id)).toMatchObject({ status: 'completed', coins_paid: 20 });
    expect(getTransaction(k.db, tx)).toMatchObject({ status: 'completed', coins_paid: 20 });
  });

  it('accepts a fresh job when the kiosk clock is a day ahead, judging expiry in the cloud time', async () => {
    await receiver.stop();
    const ahead = new ManualClock(Date.now() + 24 * 3600_000);
    const cloudTime = new CloudTime(ahead);
    const got: string[] = [];
    receiver = startJobReceiver({
      db: k.db,
      clock: ahead,
      cloudClock: cloudTime,
      log,
      client: createCloudClient({ baseUrl: rc.proxy.url, token: () => k.token, timeoutMs: 2000, cloudTime }),
      enrollment: () => ({ kiosk_id: k.id, job_public_key: k.jobPublicKey }),
      sink: { awaitsJob: () => true, onJob: (job) => got.push(job.id) },
      waitSec: 1,
    });
    // The cloud's job expires within the lease/TTL after the cloud's now: "expired" by the kiosk clock.
    const tx = await paidTransaction(rc, k);
    await waitFor(() => got.length === 1);
    expect(got).toEqual([(await cloudJobOf(rc, tx))[0]!.id]);
    expect(Math.round(cloudTime.skew / 3600_000)).toBe(-24);
  });
});
