import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import {
  AuditResponseSchema,
  CreatedWebhookResponseSchema,
  CSRF_HEADER,
  SessionResponseSchema,
  WEBHOOK_MAX_ATTEMPTS,
  WebhookDeliveriesResponseSchema,
  WebhooksResponseSchema,
  type WebhookEvent,
} from '../../../contract/console-api';
import { JobResponseSchema } from '../../../contract/http';
import type { SyncEvent } from '../../../contract/sync-events';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { runOperatorCommand } from '../operator-cli';
import { parseCloudSchedule, startCloudScheduler } from '../scheduler/cloud-scheduler';
import { expireJobs } from '../scheduler/cloud-tasks';
import { createPaidTransaction } from '../testing/flows';
import { createHarness, OPERATOR_TOKEN, silentLog, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver';
import { silentKioskAlerts } from './conditions';
import { deliverDueWebhooks, nextAttemptAt, startWebhookSender } from './deliver';
import { emitWebhookEvent } from './emit';
import { webhookUrlProblem } from './url-rule';

/**
 * Issue 17 alerts end to end on PGlite and Postgres: each event raised once by its real cause (a failed payout's
 * credit, a payout result that cannot be applied, an expired job the kiosk had, a low-coins crossing, a hopper fault,
 * a silent kiosk found by the scheduler), POSTed signed to a local receiver that checks the HMAC, retried with backoff,
 * failed after the last attempt; the routes' roles, URL rules and audit events.
 */
describe.each(BACKENDS)('webhooks (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  let rx: WebhookReceiver;
  let kiosk: { kioskId: string; token: string };
  let seq = 0;
  const NEVER = '0 0 1 1 *';

  beforeAll(async () => {
    portal = await startFakePortal();
    rx = await startWebhookReceiver();
    h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url, LOW_COINS_THRESHOLD: '100', KIOSK_SILENT_SEC: '600' });
    kiosk = await h.enrollKiosk('alerts');
  });
  afterAll(async () => {
    await h.dispose();
    await rx.close();
    await portal.close();
  });

  const op = (method: string, path: string, body?: unknown) => h.req(method, path, { token: OPERATOR_TOKEN, body });
  const send = () => deliverDueWebhooks({ db: h.tdb.db, clock: h.clock, log: silentLog });
  const ev = (type: SyncEvent['type'], payload: unknown) => ({ seq: ++seq, id: newId(), occurred_at: h.clock.now().toISOString(), type, payload }) as SyncEvent;
  const sync = async (events: SyncEvent[]) => expect((await h.req('POST', '/v1/sync', { token: kiosk.token, body: { events } })).status).toBe(200);
  const heartbeat = (coins: number, hopperOk = true) => ev('kiosk.heartbeat', { coins_available: coins, hopper_ok: hopperOk, outbox_depth: 0, version: '1' });

  /** Adds a webhook on a fresh receiver path for these events; returns its id and path. */
  async function hook(events: WebhookEvent[], statuses: number[] = []) {
    const path = `/hook-${newId()}`;
    const res = await op('POST', '/v1/fleet/webhooks', { url: rx.url + path, events });
    expect(res.status).toBe(201);
    const created = CreatedWebhookResponseSchema.parse(await res.json());
    rx.expect(path, created.secret, statuses);
    return { id: created.webhook.id, path, secret: created.secret };
  }
  const deliveries = async (id: string) => WebhookDeliveriesResponseSchema.parse(await (await op('GET', `/v1/fleet/webhooks/${id}/deliveries?limit=50`)).json()).items;
  const on = (path: string) => rx.received.filter((r) => r.path === path);
  async function deliveredJob() {
    await createPaidTransaction(h, kiosk.token, { amountCents: 500 });
    return JobResponseSchema.parse(await (await h.req('GET', '/v1/jobs/next?wait=0', { token: kiosk.token })).json()).job;
  }
  const payoutResult = (job: { id: string; transaction_id: string; coins: number }, paid: number, unpaid = job.coins - paid) =>
    ev('payout.result', { job_id: job.id, transaction_id: job.transaction_id, coins_ordered: job.coins, coins_paid: paid, coins_unpaid: unpaid, outcome: paid === 0 ? 'failed' : paid === job.coins ? 'completed' : 'partial' });

  it('a failed payout opens a credit and its credit_opened alert once, POSTed signed, with the delivery log showing delivered', async () => {
    const w = await hook(['credit_opened']);
    const job = await deliveredJob();
    const result = payoutResult(job, 0);
    await sync([result]);
    await sync([result]); // the same event again: no second credit, no second alert
    expect(await send()).toEqual(['delivered']);
    const [got] = on(w.path);
    expect(on(w.path)).toHaveLength(1);
    expect(got).toMatchObject({ signatureValid: true, body: { event: 'credit_opened', kiosk_id: kiosk.kioskId, transaction_id: job.transaction_id, data: { reason: 'failed_payout', coins: 20, amount_cents: 500 } } });
    expect(got!.headers['x-roluatm-event']).toBe('credit_opened');
    expect(got!.headers['x-roluatm-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(Math.abs(Number(got!.headers['x-roluatm-timestamp']) - h.clock.now().getTime() / 1000)).toBeLessThan(2);
    const log = await deliveries(w.id);
    expect(log).toEqual([expect.objectContaining({ id: got!.headers['x-roluatm-delivery'], event: 'credit_opened', status: 'delivered', attempts: 1, last_status_code: 200, last_error: null })]);
    const { rows } = await h.tdb.db.query<{ id: string }>('SELECT id FROM credits WHERE transaction_id = $1', [job.transaction_id]);
    expect(got!.body?.data.credit_id).toBe(rows[0]!.id);
    expect(await send()).toEqual([]); // nothing left to send
    await op('DELETE', `/v1/fleet/webhooks/${w.id}`);
  });

  it('a payout result that cannot be applied, and a received job that expires unreported, are each one payout_in_doubt', async () => {
    const w = await hook(['payout_in_doubt']);
    const job = await deliveredJob();
    const bad = payoutResult(job, 5, 5); // 5 + 5 ≠ 20 ordered: flagged coins_mismatch
    await sync([bad]);
    await sync([bad]);
    const received = await deliveredJob();
    h.clock.advance(901_000); // JOB_TTL_SEC default 900
    await expireJobs(h.tdb.db, h.clock.now());
    await expireJobs(h.tdb.db, h.clock.now());
    await send();
    const bodies = on(w.path).map((r) => r.body);
    expect(on(w.path).every((r) => r.signatureValid)).toBe(true);
    // The flagged result, and both jobs at expiry: the flagged one never settled its job either.
    expect(bodies).toHaveLength(3);
    expect(bodies).toEqual(expect.arrayContaining([
      expect.objectContaining({ event: 'payout_in_doubt', transaction_id: job.transaction_id, data: expect.objectContaining({ flag: 'coins_mismatch', seq: bad.seq }) }),
      expect.objectContaining({ event: 'payout_in_doubt', transaction_id: job.transaction_id, data: expect.objectContaining({ job_id: job.id, coins: 20 }) }),
      expect.objectContaining({ event: 'payout_in_doubt', transaction_id: received.transaction_id, data: expect.objectContaining({ job_id: received.id }) }),
    ]));
    await op('DELETE', `/v1/fleet/webhooks/${w.id}`);
  });

  it('low coins is sent once per crossing below LOW_COINS_THRESHOLD, and a hopper fault once per turn to not ok', async () => {
    const w = await hook(['low_coins', 'hopper_fault']);
    await sync([heartbeat(150)]);
    await sync([heartbeat(90), heartbeat(80)]); // crosses at 90; 80 is the same condition
    await sync([heartbeat(70)]);
    await sync([heartbeat(500)]); // refilled
    await sync([heartbeat(40, false), heartbeat(30, false)]); // crosses again; hopper fault starts at the first
    await sync([heartbeat(30, true), heartbeat(30, false)]); // fault cleared, then a new fault
    await send();
    const got = on(w.path).map((r) => [r.body?.event, r.body?.data.coins_available]);
    expect(got.sort()).toEqual([['hopper_fault', 30], ['hopper_fault', 40], ['low_coins', 40], ['low_coins', 90]].sort());
    expect(on(w.path).every((r) => r.signatureValid && r.body?.kiosk_id === kiosk.kioskId)).toBe(true);
    await op('DELETE', `/v1/fleet/webhooks/${w.id}`);
  });

  it('the scheduler sends kiosk_silent once per silence, with the clock advanced past KIOSK_SILENT_SEC', async () => {
    const w = await hook(['kiosk_silent']);
    const scheduler = startCloudScheduler({
      db: h.tdb.db, clock: h.clock, log: silentLog,
      config: { ...parseCloudSchedule({ CRON_EXPIRE_TRANSACTIONS: NEVER, CRON_RETURN_LEASES: NEVER, CRON_SILENT_KIOSKS: NEVER, CRON_RETENTION: NEVER }), KIOSK_SILENT_SEC: 600 },
    });
    const task = scheduler.tasks.get('silent-kiosks')!;
    try {
      await sync([heartbeat(500)]); // the kiosk is seen now
      await task.execute();
      await send();
      expect(on(w.path).filter((r) => r.body?.kiosk_id === kiosk.kioskId)).toEqual([]);
      h.clock.advance(601_000);
      await task.execute();
      await task.execute(); // the same silence: not again
      await send();
      let mine = on(w.path).filter((r) => r.body?.kiosk_id === kiosk.kioskId);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ signatureValid: true, body: { event: 'kiosk_silent', data: { name: 'alerts', threshold_sec: 600 } } });
      expect(mine[0]!.body!.data.silent_sec).toBeGreaterThanOrEqual(600);
      expect(await silentKioskAlerts(h.tdb.db, h.clock.now(), 600)).toBe(0); // still the same silence
      await sync([heartbeat(500)]); // back…
      h.clock.advance(601_000);
      await task.execute(); // …and silent again: a new silence
      await send();
      mine = on(w.path).filter((r) => r.body?.kiosk_id === kiosk.kioskId);
      expect(mine).toHaveLength(2);
      expect(mine[1]!.body!.data.last_seen_at).not.toBe(mine[0]!.body!.data.last_seen_at);
    } finally {
      await scheduler.stop();
      await op('DELETE', `/v1/fleet/webhooks/${w.id}`);
    }
  });

  it('a receiver answering 500 twice then 200 gets 3 attempts 30 s then 60 s apart, delivered once; one always failing ends failed after the last attempt', async () => {
    const flaky = await hook(['credit_opened'], [500, 500, 200]);
    const dead = await hook(['credit_opened'], Array.from({ length: WEBHOOK_MAX_ATTEMPTS }, () => 503));
    const job = await deliveredJob();
    await sync([payoutResult(job, 8)]);
    const t0 = h.clock.now().getTime();
    expect((await send()).sort()).toEqual(['pending', 'pending']);
    let [d] = await deliveries(flaky.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500' });
    expect(Date.parse(d!.next_attempt_at!) - t0).toBe(30_000);
    expect(await send()).toEqual([]); // not due yet
    h.clock.advance(30_000);
    await send();
    [d] = await deliveries(flaky.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 2 });
    expect(Date.parse(d!.next_attempt_at!) - t0).toBe(30_000 + 60_000);
    h.clock.advance(60_000);
    await send();
    [d] = await deliveries(flaky.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, next_attempt_at: null });
    const tries = on(flaky.path);
    expect(tries.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(tries.map((r) => r.headers['x-roluatm-delivery'])).size).toBe(1);
    expect(tries.every((r) => r.signatureValid && r.raw === tries[0]!.raw)).toBe(true);
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS; i++) {
      h.clock.advance(3_600_000);
      await send();
    }
    const [gone] = await deliveries(dead.id);
    expect(gone).toMatchObject({ status: 'failed', attempts: WEBHOOK_MAX_ATTEMPTS, last_status_code: 503, next_attempt_at: null });
    expect(on(dead.path)).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    expect(on(flaky.path)).toHaveLength(3);
    for (const w of [flaky, dead]) await op('DELETE', `/v1/fleet/webhooks/${w.id}`);
  });

  it.runIf(backend === 'pglite')('a receiver that never answers is given up on after 5 s, recorded as no answer, and retried', async () => {
    const w = await hook(['credit_opened'], [0]);
    const job = await deliveredJob();
    await sync([payoutResult(job, 0)]);
    const t0 = Date.now();
    expect(await send()).toEqual(['pending']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4900);
    const [d] = await deliveries(w.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null, last_error: 'no answer within 5 s' });
    h.clock.advance(30_000);
    expect(await send()).toEqual(['delivered']);
    await op('DELETE', `/v1/fleet/webhooks/${w.id}`);
  }, 20_000);

  it('backoff: 30 s doubling, capped at 1 h, none after the last attempt', () => {
    const now = new Date(0);
    expect([1, 2, 3, 7, 8, 9].map((n) => nextAttemptAt(n, now)?.getTime())).toEqual([30_000, 60_000, 120_000, 1_920_000, 3_600_000, 3_600_000]);
    expect(nextAttemptAt(WEBHOOK_MAX_ATTEMPTS, now)).toBeNull();
  });

  it('an unreachable receiver is retried with the connection error recorded; removing the webhook ends its pending deliveries', async () => {
    const res = await op('POST', '/v1/fleet/webhooks', { url: 'http://127.0.0.1:9/nothing-listens', events: ['credit_opened'] });
    const w = CreatedWebhookResponseSchema.parse(await res.json()).webhook;
    const job = await deliveredJob();
    await sync([payoutResult(job, 0)]);
    await send();
    let [d] = await deliveries(w.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
    expect(d!.last_error).toMatch(/ECONNREFUSED|fetch failed/);
    expect((await op('DELETE', `/v1/fleet/webhooks/${w.id}`)).status).toBe(200);
    [d] = await deliveries(w.id);
    expect(d).toMatchObject({ status: 'failed', last_error: 'webhook removed before delivery' });
    h.clock.advance(3_600_000);
    expect(await send()).toEqual([]);
    expect((await op('DELETE', `/v1/fleet/webhooks/${w.id}`)).status).toBe(404);
    expect(WebhooksResponseSchema.parse(await (await op('GET', '/v1/fleet/webhooks')).json()).items.map((x) => x.id)).not.toContain(w.id);
  });

  it('routes: the secret is answered once; a bad URL is 400 saying why; a viewer reads but gets 403 on add and remove; each write is audited', async () => {
    const created = await hook(['low_coins']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await (await op('GET', '/v1/fleet/webhooks')).text();
    expect(listed).toContain(created.id);
    expect(listed).not.toContain(created.secret);
    const bad = async (url: string) => {
      const r = await op('POST', '/v1/fleet/webhooks', { url, events: ['low_coins'] });
      expect(r.status).toBe(400);
      return ((await r.json()) as { error: { code: string; message: string } }).error;
    };
    expect(await bad('ftp://alerts.example.com/x')).toMatchObject({ code: 'malformed', message: expect.stringContaining('url: must be an http:// or https:// URL') });
    expect((await bad('not a url')).message).toContain('http:// or https://');
    expect((await bad('https://me:pw@alerts.example.com/')).message).toContain('must not contain a user name or password');
    expect((await op('POST', '/v1/fleet/webhooks', { url: 'https://a.example.com/', events: ['nope'] })).status).toBe(400);

    const add = await runOperatorCommand(h.tdb.db, { cmd: 'add', email: 'watcher@example.com', role: 'viewer', totp: false }, h.clock.now());
    if ('error' in add) throw new Error(add.error);
    const password = (add.out as { password: string }).password;
    const login = await h.req('POST', '/v1/auth/login', { body: { email: 'watcher@example.com', password } });
    const cookie = /roluatm_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
    let csrf = SessionResponseSchema.parse(await login.json()).csrf_token;
    const as = (method: string, path: string, body?: unknown) => h.req(method, path, { body, headers: { cookie: `roluatm_session=${cookie}`, [CSRF_HEADER]: csrf } });
    const changed = await as('POST', '/v1/auth/password', { current: password, next: `${password}-changed!` });
    csrf = SessionResponseSchema.parse(await changed.json()).csrf_token;
    expect((await as('GET', '/v1/fleet/webhooks')).status).toBe(200);
    expect((await as('GET', `/v1/fleet/webhooks/${created.id}/deliveries`)).status).toBe(200);
    const refused = await as('POST', '/v1/fleet/webhooks', { url: 'https://alerts.example.com/x', events: ['low_coins'] });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden_role');
    expect((await as('DELETE', `/v1/fleet/webhooks/${created.id}`)).status).toBe(403);
    expect((await op('GET', `/v1/fleet/webhooks/${newId()}/deliveries`)).status).toBe(404);

    expect((await op('DELETE', `/v1/fleet/webhooks/${created.id}`)).status).toBe(200);
    const audit = AuditResponseSchema.parse(await (await op('GET', '/v1/fleet/audit?limit=500')).json()).items;
    const mine = audit.filter((a) => a.target === created.id);
    expect(mine.map((a) => [a.action, a.actor]).sort()).toEqual([['webhook.add', 'service:scripts'], ['webhook.remove', 'service:scripts']]);
    expect(JSON.stringify(audit)).not.toContain(created.secret);
  });

  it('URL rule: production takes https, and plain http only to this machine', () => {
    const prod = { production: true };
    expect(webhookUrlProblem('https://alerts.example.com/x', prod)).toBeUndefined();
    expect(webhookUrlProblem('http://alerts.example.com/x', prod)).toMatch(/must be https:\/\/ in production/);
    for (const u of ['http://localhost:9000/x', 'http://127.0.0.1/x', 'http://127.8.0.1/x', 'http://[::1]:8000/x']) expect(webhookUrlProblem(u, prod)).toBeUndefined();
    expect(webhookUrlProblem('http://alerts.example.com/x', { production: false })).toBeUndefined();
  });
});

describe.runIf(BACKENDS.includes('pg'))('webhook sender across instances (pg)', () => {
  it('two senders on separate connections racing over the same due deliveries send each exactly once', async () => {
    const h = await createHarness('pg');
    const rx = await startWebhookReceiver();
    const second = await h.tdb.reopen!();
    try {
      const res = await h.req('POST', '/v1/fleet/webhooks', { token: OPERATOR_TOKEN, body: { url: `${rx.url}/race`, events: ['low_coins'] } });
      rx.expect('/race', CreatedWebhookResponseSchema.parse(await res.json()).secret);
      const N = 40;
      for (let i = 0; i < N; i++) await emitWebhookEvent(h.tdb.db, { event: 'low_coins', dedupeKey: `race:${i}`, kioskId: null, data: { i }, now: h.clock.now() });
      const [a, b] = await Promise.all([h.tdb.db, second].map((db) => deliverDueWebhooks({ db, clock: h.clock, log: silentLog }, 5)));
      expect(a!.length + b!.length).toBe(N);
      expect(a!.length).toBeGreaterThan(0);
      expect(b!.length).toBeGreaterThan(0);
      const ids = rx.received.map((r) => r.headers['x-roluatm-delivery']);
      expect(ids).toHaveLength(N);
      expect(new Set(ids).size).toBe(N);
      const { rows } = await h.tdb.db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered' AND attempts = 1");
      expect(rows[0]!.n).toBe(N);
      // The delivery log pages back by cursor, newest first, every row once.
      const id = (await h.tdb.db.query<{ id: string }>('SELECT id FROM webhooks')).rows[0]!.id;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = WebhookDeliveriesResponseSchema.parse(await (await h.req('GET', `/v1/fleet/webhooks/${id}/deliveries?limit=15${cursor ? `&cursor=${cursor}` : ''}`, { token: OPERATOR_TOKEN })).json());
        seen.push(...page.items.map((d) => d.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toHaveLength(N);
      expect(new Set(seen).size).toBe(N);
    } finally {
      await second.close();
      await rx.close();
      await h.dispose();
    }
  }, 30_000);

  it('a webhook removed while an emitting transaction is open waits for it, and ends the delivery it queued (nothing is sent to a removed webhook)', async () => {
    const h = await createHarness('pg');
    const second = await h.tdb.reopen!();
    try {
      const res = await h.req('POST', '/v1/fleet/webhooks', { token: OPERATOR_TOKEN, body: { url: 'https://alerts.example.com/removed', events: ['low_coins'] } });
      const { id } = CreatedWebhookResponseSchema.parse(await res.json()).webhook;
      let removal: Promise<Response> | undefined;
      await second.tx(async (q) => {
        expect(await emitWebhookEvent(q, { event: 'low_coins', dedupeKey: 'during-removal', kioskId: null, data: {}, now: h.clock.now() })).toBe(1);
        removal = Promise.resolve(h.req('DELETE', `/v1/fleet/webhooks/${id}`, { token: OPERATOR_TOKEN }));
        await new Promise((r) => setTimeout(r, 300)); // the removal is under way meanwhile
      });
      expect((await removal!).status).toBe(200);
      const { rows } = await h.tdb.db.query<{ status: string; last_error: string }>('SELECT status, last_error FROM webhook_deliveries WHERE webhook_id = $1', [id]);
      expect(rows).toEqual([{ status: 'failed', last_error: 'webhook removed before delivery' }]);
    } finally {
      await second.close();
      await h.dispose();
    }
  }, 30_000);

  it('a commit that queued a delivery wakes a sender at once (NOTIFY), without waiting for its period', async () => {
    const h = await createHarness('pg');
    const rx = await startWebhookReceiver();
    const sender = startWebhookSender({ db: h.tdb.db, clock: h.clock, log: silentLog }, 600_000);
    try {
      const res = await h.req('POST', '/v1/fleet/webhooks', { token: OPERATOR_TOKEN, body: { url: `${rx.url}/nudge`, events: ['hopper_fault'] } });
      rx.expect('/nudge', CreatedWebhookResponseSchema.parse(await res.json()).secret);
      await new Promise((r) => setTimeout(r, 300)); // the LISTEN is in place
      const t0 = Date.now();
      await h.tdb.db.tx((q) => emitWebhookEvent(q, { event: 'hopper_fault', dedupeKey: 'nudge', kioskId: null, data: {}, now: h.clock.now() }));
      const [got] = await rx.waitFor('/nudge', 1, 3000);
      console.log(`webhook_notify_to_receiver_ms ${Date.now() - t0}`);
      expect(got!.signatureValid).toBe(true);
    } finally {
      await sender.stop();
      await rx.close();
      await h.dispose();
    }
  }, 30_000);
});
