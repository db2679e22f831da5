import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, systemClock } from '../../contract/clock';
import { canonicalJobBytes, jobKeyId, type SignedJob } from '../../contract/job';
import { quote } from '../../contract/money';
import { createApp } from '../../cloud-api/src/app';
import { parseCloudConfig } from '../../cloud-api/src/config';
import { OPERATOR_TOKEN, testEnv } from '../../cloud-api/src/testing/harness';
import { openTestDb, type TestDb } from '../../cloud-api/src/testing/test-db';
import { fakeWorldIdResult } from '../../cloud-api/src/testing/world-id-result';
import { getJob } from '../../main/db/jobs';
import { saveEnrollment } from '../../main/db/kiosk-state';
import { openKioskDb, type KioskDb } from '../../main/db/open-db';
import { listUnsent, markSentUpTo, toSyncEvent } from '../../main/db/outbox';
import { getTransaction, insertTransaction } from '../../main/db/transactions';
import { createCloudClient, type CloudClient } from '../../main/sync/cloud-client';
import { createJobKeyRing, type JobKeyRing } from '../../main/sync/job-keys';
import { startJobReceiver, type JobReceiver } from '../../main/sync/job-receiver';
import { writeHeartbeat } from '../../main/sync/kiosk-tasks';
import { checkJob } from '../../main/sync/verify-job';
import { startFakePortal, type FakePortal } from '../../sim/worldid/portal';
import { silent } from '../support/real-cloud';

/**
 * docs/SECURITY.md "Job-key rotation", walked end to end: the REAL cloud app (PGlite) redeployed with each
 * step's configuration on one database, and the REAL kiosk pieces (SQLite, undici client, job-key ring fed
 * by enrolment and sync answers, job receiver). Old key signs → accepted; announce the next key; switch →
 * new key signs → accepted, and an old-key job still in flight too; retire → an old-key job is refused
 * `job_key_unknown`, never stored, its transaction not paid.
 */
const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    priv: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    pub: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
};
const A = keyPair();
const B = keyPair();

let portal: FakePortal;
let tdb: TestDb;
let app: ReturnType<typeof createApp>;
let server: ReturnType<typeof serve>;
let url: string;
let dir: string;
let kdb: KioskDb;
let ring: JobKeyRing;
let client: CloudClient;
let receiver: JobReceiver;
let kioskId: string;

/** The cloud redeployed with this job-key configuration, on the same database. */
function deploy(signing: string, announced: string[] = []): void {
  const config = parseCloudConfig(
    testEnv({ DEV_PORTAL_BASE_URL: portal.url, JOB_SIGNING_KEY: signing, JOB_ANNOUNCED_PUBLIC_KEYS: announced.join(',') }),
  );
  app = createApp({ db: tdb.db, config, clock: systemClock, log: silent });
}

/** A transaction the kiosk wrote and the cloud verified (PAYMENT_MODE=none): the cloud signs its job now. */
async function paidTransaction(): Promise<string> {
  const id = newId();
  insertTransaction(kdb, systemClock, id, quote(500, { flat_cents: 0, bps: 0 }));
  const tx = await client.createTransaction({ id, amount_cents: 500 });
  await client.submitWorldId(id, fakeWorldIdResult({ signal: id, action: tx.world_id.action, nonce: tx.rp_context.nonce, identity: newId() }));
  return id;
}

async function jobOf(transactionId: string): Promise<SignedJob> {
  const { rows } = await tdb.db.query<{ id: string; coins: number; expires_at: Date; signature: string; kid: string | null }>(
    'SELECT id, coins, expires_at, signature, kid FROM dispense_jobs WHERE transaction_id = $1',
    [transactionId],
  );
  const r = rows[0]!;
  return {
    id: r.id, transaction_id: transactionId, kiosk_id: kioskId, coins: Number(r.coins), expires_at: new Date(r.expires_at).toISOString(),
    ...(r.kid === null ? {} : { kid: r.kid }), signature: r.signature,
  };
}

/** The kiosk's next sync (a heartbeat): the answer carries the job keys the cloud announces now. */
async function sync(): Promise<void> {
  writeHeartbeat(kdb, systemClock, { coins_available: 100, hopper_ok: true, version: 'test' });
  const res = await client.sync(listUnsent(kdb, 100).map(toSyncEvent));
  markSentUpTo(kdb, systemClock, res.high_seq);
}

beforeAll(async () => {
  portal = await startFakePortal();
  tdb = await openTestDb('pglite');
  deploy(A.priv);
  server = await new Promise((resolve) => {
    const s = serve({ fetch: (req) => app.fetch(req), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'job-key-rotation-'));
  kdb = openKioskDb(join(dir, 'kiosk.sqlite'));
  ring = createJobKeyRing({ db: kdb, log: silent, pinned: [] });
  let token: string | null = null;
  client = createCloudClient({ baseUrl: url, token: () => token, onJobKeys: (keys) => void ring.announce(keys) });
  const codeRes = await fetch(`${url}/v1/fleet/enrollment-codes`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  const { code } = (await codeRes.json()) as { code: string };
  const e = await client.enroll({ code, name: 'rotation' });
  saveEnrollment(kdb, { kiosk_id: e.kiosk_id, token: e.token, job_public_key: e.job_public_key });
  token = e.token;
  kioskId = e.kiosk_id;
  // The receiver under test, fed by hand (no long-poll: each step hands it the job the cloud made).
  receiver = startJobReceiver({
    db: kdb, clock: systemClock, log: silent, enrollment: () => ({ kiosk_id: kioskId, job_public_key: e.job_public_key }),
    jobKeys: () => ring.accepted(),
    client: { nextJob: (_w, abort) => new Promise((_r, reject) => abort?.addEventListener('abort', () => reject(new Error('stopped')))), ackJob: (id) => client.ackJob(id) },
    sink: { awaitsJob: () => true, onJob: () => undefined },
  });
});

afterAll(async () => {
  await receiver.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  kdb.close();
  rmSync(dir, { recursive: true, force: true });
  await tdb.dispose();
  await portal.close();
});

const kids = () => ring.accepted().map((k) => k.kid);

describe('job-key rotation without re-enrolment (docs/SECURITY.md)', () => {
  it('walks the procedure: old key accepted, next key announced, switch, retire → old-key job refused', async () => {
    const kidA = jobKeyId(A.pub)!;
    const kidB = jobKeyId(B.pub)!;
    // 0. Enrolled under key A: the enrolment answer announced exactly A.
    expect(kids()).toEqual([kidA]);
    const tx1 = await paidTransaction();
    const job1 = await jobOf(tx1);
    expect(job1.kid).toBe(kidA);
    expect(await receiver.handle(job1)).toBe('accepted');

    // 1. Announce the next key B while A still signs; every kiosk syncs.
    deploy(A.priv, [B.pub]);
    await sync();
    expect(kids()).toEqual([kidA, kidB]);
    const inFlight = await paidTransaction(); // signed by A, delivered after the switch
    const late = await paidTransaction(); // signed by A, delivered after retirement
    expect((await jobOf(inFlight)).kid).toBe(kidA);

    // 2. Switch: B signs, A is announced as retired until its jobs expire.
    deploy(B.priv, [A.pub]);
    const tx2 = await paidTransaction();
    const job2 = await jobOf(tx2);
    expect(job2.kid).toBe(kidB);
    expect(await receiver.handle(job2)).toBe('accepted');
    expect(await receiver.handle(await jobOf(inFlight))).toBe('accepted');
    await sync();
    expect(kids()).toEqual([kidB, kidA]);

    // 3. Retire A: the next sync drops it, and an A-signed job is refused with a clear code.
    deploy(B.priv);
    await sync();
    expect(kids()).toEqual([kidB]);
    const old = await jobOf(late);
    const check = await checkJob({ job: old, keys: ring.accepted(), kioskId, clock: systemClock, transaction: getTransaction(kdb, late) });
    expect(check.ok ? null : check.error.code).toBe('job_key_unknown');
    expect(await receiver.handle(old)).toBe('rejected');
    expect(getJob(kdb, old.id)).toBeUndefined();
    expect(getTransaction(kdb, late)?.status).not.toBe('paid');
    // A job that names B but is signed with A's key is a bad signature, not a key question.
    const { signature: _s, kid: _k, ...unsigned } = old;
    const forged: SignedJob = { ...unsigned, kid: kidB, signature: sign(null, canonicalJobBytes(unsigned), { key: Buffer.from(A.priv, 'base64'), format: 'der', type: 'pkcs8' }).toString('base64') };
    const forgedCheck = await checkJob({ job: forged, keys: ring.accepted(), kioskId, clock: systemClock, transaction: getTransaction(kdb, late) });
    expect(forgedCheck.ok ? null : forgedCheck.error.code).toBe('job_signature_invalid');
    // After a restart the kiosk still holds the announced set (kiosk_state).
    expect(createJobKeyRing({ db: kdb, log: silent, pinned: [] }).accepted().map((k) => k.kid)).toEqual([kidB]);
  });
});
