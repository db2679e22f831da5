import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, systemClock } from '../../contract/clock';
import { CreateTransactionResponseSchema, EnrollResponseSchema, JobResponseSchema } from '../../contract/http';
import { startWorldIdRequest } from '../../main/worldid/request';
import { startBridge, type Bridge } from '../../sim/worldid/bridge';
import { approve } from '../../sim/worldid/phone';
import { startFakePortal, type FakePortal } from '../../sim/worldid/portal';
import { parseCloudConfig } from './config';
import { verifyJobSignature } from '../../contract/job';
import { startCloud, type RunningCloud } from './start-cloud';
import { OPERATOR_TOKEN, silentLog, testEnv } from './testing/harness';
import { pgliteDataDirCopy } from './testing/test-db';
import { fakeWorldIdResult } from './testing/world-id-result';
import { signingPublicKeyHex } from './worldid';

/** The cloud over real HTTP on PGlite in a data folder, driven by the kiosk's real idkit-core and the simulators. */
describe('startCloud over HTTP', () => {
  let cloud: RunningCloud;
  let bridge: Bridge;
  let portal: FakePortal;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    [bridge, portal, dataDir] = await Promise.all([startBridge(), startFakePortal(), pgliteDataDirCopy()]);
    env = testEnv({ DEV_PORTAL_BASE_URL: portal.url, DATA_DIR: dataDir });
    cloud = await startCloud(parseCloudConfig(env), { clock: systemClock, log: silentLog });
  });
  afterAll(async () => {
    await cloud.close();
    await Promise.all([bridge.close(), portal.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, o: { token?: string; body?: unknown; signal?: AbortSignal } = {}) =>
    fetch(cloud.url + path, {
      method,
      signal: o.signal,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body ? { 'content-type': 'application/json' } : {}) },
      body: o.body ? JSON.stringify(o.body) : undefined,
    });

  async function enroll() {
    const { code } = (await (await call('POST', '/v1/fleet/enrollment-codes', { token: OPERATOR_TOKEN })).json()) as { code: string };
    return EnrollResponseSchema.parse(await (await call('POST', '/v1/kiosks/enroll', { body: { code, name: 'http' } })).json());
  }

  it('serves healthz on its URL', async () => {
    expect(cloud.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await call('GET', '/healthz')).json()).toEqual({ ok: true });
  });

  it('runs one cash-out end to end: register, World ID through idkit-core and the phone, job, settle', async () => {
    const kiosk = await enroll();
    const id = newId();
    const created = CreateTransactionResponseSchema.parse(await (await call('POST', '/v1/transactions', { token: kiosk.token, body: { id, amount_cents: 200 } })).json());
    const request = await startWorldIdRequest({
      appId: created.world_id.app_id,
      action: created.world_id.action,
      rpContext: created.rp_context,
      signal: id,
      bridgeUrl: bridge.url,
      returnTo: created.return_to,
      allowStaging: true,
    });
    const rpPublicKeys = { [env.WORLD_ID_RP_ID!]: signingPublicKeyHex(env.WORLD_ID_SIGNING_KEY!) };
    expect(await approve(request.connectorURI, { identity: 'dana', rpPublicKeys })).toMatchObject({ answered: 'proof', protocol: '4.0' });
    const outcome = await request.wait({ timeoutMs: 5000, pollIntervalMs: 50 });
    if (!outcome.ok) throw new Error(`no World ID result: ${outcome.code}`);

    const verified = await call('POST', `/v1/transactions/${id}/world-id`, { token: kiosk.token, body: { result: outcome.result } });
    expect(verified.status).toBe(200);
    const jobRes = await call('GET', '/v1/jobs/next?wait=5', { token: kiosk.token });
    const { job } = JobResponseSchema.parse(await jobRes.json());
    expect(await verifyJobSignature(job, kiosk.job_public_key)).toBe(true);
    expect((await call('POST', `/v1/jobs/${job.id}/ack`, { token: kiosk.token })).status).toBe(200);
    const settle = {
      seq: 1,
      id: newId(),
      occurred_at: new Date().toISOString(),
      type: 'payout.result',
      payload: { job_id: job.id, transaction_id: id, coins_ordered: 8, coins_paid: 8, coins_unpaid: 0, outcome: 'completed' },
    };
    expect(await (await call('POST', '/v1/sync', { token: kiosk.token, body: { events: [settle] } })).json()).toMatchObject({ high_seq: 1 });

    const fleet = (await (await call('GET', `/v1/fleet/transactions?kiosk_id=${kiosk.kiosk_id}`, { token: OPERATOR_TOKEN })).json()) as {
      items: { id: string; status: string; coins_paid: number; events: { type: string }[] }[];
    };
    expect(fleet.items[0]).toMatchObject({ id, status: 'completed', coins_paid: 8 });
    expect(fleet.items[0]?.events.map((e) => e.type)).toEqual([
      'transaction.created',
      'transaction.verified',
      'transaction.paid',
      'job.created',
      'job.delivered',
      'job.acked',
      'payout.completed',
    ]);
  });

  it('stops waiting when the kiosk hangs up, leaving a later job for its next poll', async () => {
    const kiosk = await enroll();
    const abort = new AbortController();
    const hungUp = call('GET', '/v1/jobs/next?wait=30', { token: kiosk.token, signal: abort.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200)); // the poll is now waiting
    abort.abort();
    expect(await hungUp).toBeInstanceOf(Error);
    await new Promise((r) => setTimeout(r, 100)); // the server sees the hang-up
    // A job created now must not be claimed by the abandoned poll (its lease would hide it for 30 s).
    const id = newId();
    const created = CreateTransactionResponseSchema.parse(await (await call('POST', '/v1/transactions', { token: kiosk.token, body: { id, amount_cents: 100 } })).json());
    const result = fakeWorldIdResult({ signal: id, action: created.world_id.action, nonce: created.rp_context.nonce, identity: 'erin' });
    expect((await call('POST', `/v1/transactions/${id}/world-id`, { token: kiosk.token, body: { result } })).status).toBe(200);
    const next = await call('GET', '/v1/jobs/next?wait=0', { token: kiosk.token });
    expect(next.status).toBe(200);
    const { rows } = await cloud.db.query<{ n: number }>('SELECT delivered_count AS n FROM dispense_jobs WHERE transaction_id = $1', [id]);
    expect(rows[0]?.n).toBe(1);
  });
});
