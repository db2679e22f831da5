import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock, type Clock } from '../../contract/clock';
import { parseCloudConfig, type CloudConfig } from '../../cloud-api/src/config';
import { createJobSigner, type JobSigner } from '../../cloud-api/src/job-signer';
import { openPgDb } from '../../cloud-api/src/db/pg-adapter';
import { openPgliteDb } from '../../cloud-api/src/db/pglite-adapter';
import { listKioskEvents } from '../../cloud-api/src/db/sync';
import { startCloud, type RunningCloud } from '../../cloud-api/src/start-cloud';
import { OPERATOR_TOKEN, testEnv } from '../../cloud-api/src/testing/harness';
import { createScratchDatabase, pgliteDataDirCopy, type Backend } from '../../cloud-api/src/testing/test-db';
import { startFakePortal, type FakePortal } from '../../sim/worldid/portal';
import { startTestProxy, type TestProxy } from './proxy/proxy';
import { openKioskDb, type KioskDb } from '../../main/db/open-db';
import { toSyncEvent, type OutboxRow } from '../../main/db/outbox';
import { insertTransaction } from '../../main/db/transactions';
import { quote } from '../../contract/money';
import { newId } from '../../contract/clock';
import { fakeWorldIdResult } from '../../cloud-api/src/testing/world-id-result';
import { worldAppEnv } from '../../cloud-api/src/testing/payment-flows';
import { createCloudClient, type CloudClient } from '../../main/sync/cloud-client';

/**
 * The REAL cloud (startCloud on PGlite, or on a scratch Postgres database when DATABASE_URL is set) with
 * the test proxy (test/support/proxy) in front of it, and helpers for a REAL kiosk (SQLite file + undici client)
 * that talks to the cloud only through the proxy (issue 4 "Done when").
 */
export const silent = pino({ level: 'silent' });

export interface RealCloud {
  cloud: RunningCloud;
  config: CloudConfig;
  /** The cloud's own job signer (its JOB_SIGNING_KEY), for jobs a test hands the kiosk directly. */
  jobSigner: JobSigner;
  proxy: TestProxy;
  portal: FakePortal;
  backend: Backend;
  /** A fresh enrolment code, as the operator makes one. */
  enrollmentCode(): Promise<string>;
  /** A new kiosk: enrolled through the proxy, with its own SQLite file and client. */
  kiosk(name?: string, o?: { timeoutMs?: number }): Promise<TestKiosk>;
  close(): Promise<void>;
}

export interface TestKiosk {
  id: string;
  token: string;
  jobPublicKey: string;
  db: KioskDb;
  client: CloudClient;
  close(): void;
}

/** `paymentMode: 'world_app'`: the cloud waits for a World App payment (payTransaction) before it makes the job. */
export async function startRealCloud(backend: Backend, o: { clock?: Clock; env?: Record<string, string>; paymentMode?: 'none' | 'world_app' } = {}): Promise<RealCloud> {
  const portal = await startFakePortal();
  const payments = o.paymentMode === 'world_app' ? worldAppEnv(portal) : {};
  const config = parseCloudConfig(testEnv({ DEV_PORTAL_BASE_URL: portal.url, ...payments, ...o.env }));
  let dispose: () => Promise<void>;
  let db;
  if (backend === 'pg') {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? '', 'sync_test');
    db = await openPgDb(scratch.url);
    dispose = () => scratch.drop();
  } else {
    const dir = await pgliteDataDirCopy();
    db = await openPgliteDb(dir);
    dispose = async () => rmSync(dir, { recursive: true, force: true });
  }
  const cloud = await startCloud(config, { db, clock: o.clock ?? systemClock, log: silent });
  const port = Number(new URL(cloud.url).port);
  const proxy = await startTestProxy({ target: `http://127.0.0.1:${port}`, resetHoldMs: 30 });
  const kiosks: TestKiosk[] = [];
  return {
    cloud,
    config,
    jobSigner: createJobSigner(config.JOB_SIGNING_KEY),
    enrollmentCode: () => enrollmentCode(cloud.url),
    proxy,
    portal,
    backend,
    async kiosk(name = 'kiosk', ko = {}) {
      const k = await enrolKiosk(cloud.url, proxy.url, name, ko.timeoutMs ?? 2000);
      kiosks.push(k);
      return k;
    },
    async close() {
      for (const k of kiosks) k.close();
      await proxy.close();
      await cloud.close();
      await portal.close();
      await dispose();
    },
  };
}

async function enrollmentCode(cloudUrl: string): Promise<string> {
  const res = await fetch(`${cloudUrl}/v1/fleet/enrollment-codes`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  if (res.status !== 201) throw new Error(`enrolment code: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { code: string }).code;
}

async function enrolKiosk(cloudUrl: string, proxyUrl: string, name: string, timeoutMs: number): Promise<TestKiosk> {
  const code = await enrollmentCode(cloudUrl);
  const enrolment = await createCloudClient({ baseUrl: cloudUrl, token: () => null }).enroll({ code, name });
  const dir = mkdtempSync(join(tmpdir(), 'sync-kiosk-'));
  const db = openKioskDb(join(dir, 'kiosk.sqlite'));
  return {
    id: enrolment.kiosk_id,
    token: enrolment.token,
    jobPublicKey: enrolment.job_public_key,
    db,
    client: createCloudClient({ baseUrl: proxyUrl, token: () => enrolment.token, timeoutMs }),
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface WireEvent {
  seq: number;
  id: string;
  type: string;
  payload: unknown;
}

/** The kiosk's outbox as it goes on the wire (tombstones for quarantined rows), in seq order. */
export function kioskWire(db: KioskDb): WireEvent[] {
  const rows = db.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxRow[];
  return rows.map((r) => {
    const e = toSyncEvent(r);
    return { seq: e.seq, id: e.id, type: e.type, payload: e.payload };
  });
}

/** What the cloud stored for the kiosk, in seq order. */
export async function cloudEvents(rc: RealCloud, kioskId: string): Promise<WireEvent[]> {
  const rows = await listKioskEvents(rc.cloud.db, kioskId);
  return rows.map((r) => ({ seq: Number(r.seq), id: r.event_id, type: r.type, payload: r.payload }));
}

/** Polls until `cond` holds (a state, not a sleep); throws with `what` after `ms`. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A transaction the kiosk wrote locally and the cloud verified and paid (PAYMENT_MODE=none), so the
 * cloud holds its one pending dispense job. Set-up talks to the cloud directly, not through the proxy.
 */
export async function paidTransaction(rc: RealCloud, k: TestKiosk, amountCents = 500): Promise<string> {
  const id = newId();
  insertTransaction(k.db, systemClock, id, quote(amountCents, { flat_cents: 0, bps: 0 }));
  const direct = createCloudClient({ baseUrl: rc.cloud.url, token: () => k.token, timeoutMs: 5000 });
  const tx = await direct.createTransaction({ id, amount_cents: amountCents });
  const result = fakeWorldIdResult({ signal: id, action: tx.world_id.action, nonce: tx.rp_context.nonce, identity: newId() });
  await direct.submitWorldId(id, result);
  return id;
}

export async function cloudJobOf(rc: RealCloud, transactionId: string) {
  const { rows } = await rc.cloud.db.query<{ id: string; status: string; delivered_count: number }>(
    'SELECT id, status, delivered_count FROM dispense_jobs WHERE transaction_id = $1',
    [transactionId],
  );
  return rows;
}
