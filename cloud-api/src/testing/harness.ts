import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { ManualClock } from '../../../contract/clock';
import { EnrollResponseSchema } from '../../../contract/http';
import { SIM_APP_ID, SIM_RP_ID } from '../../../sim/worldid/portal';
import { createApp } from '../app';
import { parseCloudConfig, type CloudConfig } from '../config';
import type { Db } from '../db/db';
import { generateSigningKeyHex } from '../worldid';
import { openTestDb, type Backend, type TestDb } from './test-db';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
export const TEST_ACTION = 'roluatm-cash-out';

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const jobKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
  return {
    OPERATOR_TOKEN,
    WORLD_ID_APP_ID: SIM_APP_ID,
    // The simulators' app is a staging app (idkit-core takes a local bridge only for staging apps).
    WORLD_ID_ALLOW_STAGING: '1',
    WORLD_ID_RP_ID: SIM_RP_ID,
    WORLD_ID_SIGNING_KEY: generateSigningKeyHex(),
    WORLD_ID_ACTION: TEST_ACTION,
    PAYMENT_MODE: 'none',
    // Nothing listens on port 9 (discard): a test that needs the portal passes a fake portal's url.
    DEV_PORTAL_BASE_URL: 'http://127.0.0.1:9',
    JOB_SIGNING_KEY: jobKey,
    PORT: '0',
    ...overrides,
  };
}

export interface Harness {
  config: CloudConfig;
  clock: ManualClock;
  tdb: TestDb;
  app: ReturnType<typeof createApp>;
  req(method: string, path: string, o?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<Response>;
  enrollKiosk(name?: string): Promise<{ kioskId: string; token: string; publicKey: string }>;
  dispose(): Promise<void>;
}

export const silentLog = pino({ level: 'silent' });

/** `wrapDb`: the app talks to the database through this wrapper (e.g. db/counting-db.ts); `tdb.db` stays the plain one. */
export async function createHarness(backend: Backend, env: Record<string, string> = {}, o: { wrapDb?: (db: Db) => Db } = {}): Promise<Harness> {
  const config = parseCloudConfig(testEnv(env));
  const clock = new ManualClock(Date.now());
  const tdb = await openTestDb(backend);
  const app = createApp({ db: o.wrapDb ? o.wrapDb(tdb.db) : tdb.db, config, clock, log: silentLog });
  const req: Harness['req'] = (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    return Promise.resolve(app.request(path, { method, headers, body }));
  };
  return {
    config,
    clock,
    tdb,
    app,
    req,
    async enrollKiosk(name = 'kiosk') {
      const codeRes = await req('POST', '/v1/fleet/enrollment-codes', { token: OPERATOR_TOKEN });
      const { code } = (await codeRes.json()) as { code: string };
      const res = await req('POST', '/v1/kiosks/enroll', { body: { code, name } });
      if (res.status !== 201) throw new Error(`enrol failed: ${res.status} ${await res.text()}`);
      const e = EnrollResponseSchema.parse(await res.json());
      return { kioskId: e.kiosk_id, token: e.token, publicKey: e.job_public_key };
    },
    dispose: () => tdb.dispose(),
  };
}
