import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { CreatedWebhookResponseSchema } from '../../contract/console-api';
import { EnrollResponseSchema, JobResponseSchema } from '../../contract/http';
import { startFakePortal } from '../../sim/worldid/portal';
import { SIM_PORTAL_API_KEY } from '../../sim/worldid/portal-payments';
import { createApp } from './app';
import { parseCloudConfig } from './config';
import { createCloudLogger } from './log';
import { createTransaction, postWorldId, resultFor } from './testing/flows';
import { OPERATOR_TOKEN, testEnv, type Harness } from './testing/harness';
import { payAsAsked, postPayment, worldAppEnv } from './testing/payment-flows';
import { openTestDb } from './testing/test-db';
import { startWebhookReceiver } from './testing/webhook-receiver';
import { deliverDueWebhooks } from './webhooks/deliver';
import { emitWebhookEvent } from './webhooks/emit';

describe('logs', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  it('never contain a token, code or key during a full cash-out at trace level', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) });
    const portal = await startFakePortal();
    cleanup.push(() => portal.close());
    const env = testEnv(worldAppEnv(portal));
    const config = parseCloudConfig(env);
    const tdb = await openTestDb('pglite');
    cleanup.push(() => tdb.dispose());
    const app = createApp({ db: tdb.db, config, clock: new ManualClock(Date.now()), log: createCloudLogger('trace', sink) });
    const req: Harness['req'] = (method, path, o = {}) => {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      return Promise.resolve(app.request(path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) }));
    };
    const h = { req, tdb, config } as unknown as Harness;
    const { code } = (await (await req('POST', '/v1/fleet/enrollment-codes', { token: OPERATOR_TOKEN })).json()) as { code: string };
    const kiosk = EnrollResponseSchema.parse(await (await req('POST', '/v1/kiosks/enroll', { body: { code, name: 'logged' } })).json());
    const tx = await createTransaction(h, kiosk.token);
    expect((await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'log-1'))).status).toBe(200);
    const paid = await payAsAsked(h, portal, tx.transaction.id);
    portal.payments.setMode('fail_5xx');
    expect((await postPayment(h, tx.transaction.id, paid)).status).toBe(503); // logs a warning
    portal.payments.setMode('ok');
    expect((await postPayment(h, tx.transaction.id, paid)).status).toBe(202); // stored; the re-checker asks again
    expect((await postPayment(h, tx.transaction.id, await payAsAsked(h, portal, tx.transaction.id))).status).toBe(200);
    const { job } = JobResponseSchema.parse(await (await req('GET', '/v1/jobs/next?wait=0', { token: kiosk.token })).json());
    expect((await req('POST', `/v1/jobs/${job.id}/ack`, { token: kiosk.token })).status).toBe(200);
    expect((await req('GET', '/v1/fleet/transactions', { token: OPERATOR_TOKEN })).status).toBe(200);
    expect((await req('POST', `/v1/fleet/kiosks/${kiosk.kiosk_id}/revoke`, { token: OPERATOR_TOKEN })).status).toBe(200);
    expect((await req('POST', '/v1/transactions', { token: kiosk.token, body: {} })).status).toBe(401);

    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(10); // the access log really ran at trace level
    for (const secret of [OPERATOR_TOKEN, kiosk.token, code, code.replaceAll('-', ''), SIM_PORTAL_API_KEY, env.WORLD_ID_SIGNING_KEY!, env.JOB_SIGNING_KEY!]) {
      expect(text).not.toContain(secret);
    }
  }, 30_000);

  it('never contain a webhook secret or signature, from adding the webhook through a failed and a delivered attempt (issue 17)', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) });
    const log = createCloudLogger('trace', sink);
    const tdb = await openTestDb('pglite');
    cleanup.push(() => tdb.dispose());
    const rx = await startWebhookReceiver();
    cleanup.push(() => rx.close());
    const clock = new ManualClock(Date.now());
    const app = createApp({ db: tdb.db, config: parseCloudConfig(testEnv()), clock, log });
    const res = await app.request('/v1/fleet/webhooks', {
      method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${rx.url}/logged`, events: ['low_coins'] }),
    });
    const { secret } = CreatedWebhookResponseSchema.parse(await res.json());
    rx.expect('/logged', secret, [500, 200]);
    await emitWebhookEvent(tdb.db, { event: 'low_coins', dedupeKey: 'logged', kioskId: null, data: {}, now: clock.now() });
    expect(await deliverDueWebhooks({ db: tdb.db, clock, log })).toEqual(['pending']);
    clock.advance(30_000);
    expect(await deliverDueWebhooks({ db: tdb.db, clock, log })).toEqual(['delivered']);
    const text = lines.join('');
    expect(text).toContain('webhook delivered'); // the sender really logged
    expect(text).not.toContain(secret);
    for (const r of rx.received) expect(text).not.toContain(String(r.headers['x-roluatm-signature']).slice(7));
  });

  it('keep an error\'s reason code readable (a field and err.code) while secrets stay masked', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) });
    const log = createCloudLogger('info', sink);
    const err = Object.assign(new Error('portal refused'), { code: 'all_verifications_failed' });
    log.warn({ code: 'proof_invalid', err, token: 'kiosk-token-secret', api_key: 'api-key-secret', signature: '0xsig' }, 'verification refused');
    const entry = JSON.parse(lines.find((l) => l.includes('verification refused')) ?? '{}') as Record<string, unknown> & { err: { code: string } };
    expect(entry.code).toBe('proof_invalid');
    expect(entry.err.code).toBe('all_verifications_failed');
    expect(entry).toMatchObject({ token: '[redacted]', api_key: '[redacted]', signature: '[redacted]' });
    expect(lines.join('')).not.toMatch(/kiosk-token-secret|api-key-secret|0xsig/);
  });
});
