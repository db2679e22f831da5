import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { FleetKioskListResponseSchema, TransactionSearchResponseSchema } from '../../../contract/console-api';
import { FleetAttentionResponseSchema } from '../../../contract/fleet';
import { FLEET_COUNTS_SQL, fleetCounts } from '../db/fleet';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { openCredit } from '../db/credits';
import { ROUTES } from '../openapi';
import { createPaidTransaction, createTransaction } from '../testing/flows';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

describe.each(BACKENDS)('fleet, metrics, openapi and rate limits (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  const op = (method: string, path: string) => h.req(method, path, { token: OPERATOR_TOKEN });

  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url, RATE_LIMIT_KIOSK_PER_MIN: '30', RATE_LIMIT_IP_PER_MIN: '20', TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  it('shows each kiosk with its latest heartbeat, open jobs, the payment mode and the staging flag', async () => {
    const k = await h.enrollKiosk('hb');
    await createPaidTransaction(h, k.token);
    const beat = (seq: number, coins: number) => ({
      seq, id: newId(), occurred_at: h.clock.now().toISOString(), type: 'kiosk.heartbeat',
      payload: { coins_available: coins, hopper_ok: true, outbox_depth: 2, version: '1.2.3' },
    });
    // The batch arrives out of order and a replay of seq 1 comes later: the latest status is seq 2's.
    expect((await h.req('POST', '/v1/sync', { token: k.token, body: { events: [beat(2, 280), beat(1, 300)] } })).status).toBe(200);
    const body = FleetKioskListResponseSchema.parse(await (await op('GET', '/v1/fleet/kiosks?limit=500')).json());
    expect(body.payment_mode).toBe('none');
    expect(body.world_id_staging).toBe(true);
    expect(body.items.find((x) => x.id === k.kioskId)).toMatchObject({
      name: 'hb', coins_available: 280, hopper_ok: true, outbox_depth: 2, version: '1.2.3', open_jobs: 1, silent: false,
    });
    // issue 18: one latest-status row per kiosk, upserted; the history is kiosk_events' (pruned by retention).
    const status = await h.tdb.db.query<{ seq: number }>('SELECT seq FROM kiosk_status WHERE kiosk_id = $1', [k.kioskId]);
    expect(status.rows).toEqual([{ seq: 2 }]);
    expect((await h.req('GET', '/v1/fleet/kiosks', { token: k.token })).status).toBe(401);
    expect((await op('GET', '/v1/fleet/kiosks?x=1')).status).toBe(400);
  });

  it('pages the kiosk list by cursor: every kiosk once, in enrolment order, and refuses a forged cursor (issue 18)', async () => {
    for (let i = 0; i < 5; i++) {
      await h.enrollKiosk(`page-${i}`);
      h.clock.advance(1);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await op('GET', `/v1/fleet/kiosks?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = FleetKioskListResponseSchema.parse(await res.json());
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((k) => k.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 50);
    const { rows } = await h.tdb.db.query<{ id: string }>('SELECT id FROM kiosks ORDER BY created_at, id');
    expect(seen).toEqual(rows.map((r) => r.id));
    expect(pages).toBe(Math.ceil(rows.length / 2)); // limit + 1 rows are read: no empty last page
    const forged = await op('GET', `/v1/fleet/kiosks?cursor=${Buffer.from('{"t":"x"}').toString('base64url')}`);
    expect(forged.status).toBe(400);
    expect((await op('GET', '/v1/fleet/kiosks?limit=0')).status).toBe(400);
  });

  it('revokes a kiosk token so its next request is 401, and 404s an unknown kiosk', async () => {
    const k = await h.enrollKiosk('revoked');
    const res = await op('POST', `/v1/fleet/kiosks/${k.kioskId}/revoke`);
    expect(res.status).toBe(200);
    expect((await createTransaction(h, k.token).catch((e: Error) => e.message))).toMatch(/401/);
    expect((await op('POST', `/v1/fleet/kiosks/${newId()}/revoke`)).status).toBe(404);
    expect((await h.req('POST', `/v1/fleet/kiosks/${k.kioskId}/revoke`, { token: k.token })).status).toBe(401);
  });

  it('lists transactions filtered by kiosk, status and time, with job and audit trail', async () => {
    const k = await h.enrollKiosk('list');
    const paid = await createPaidTransaction(h, k.token);
    h.clock.advance(1000);
    const since = h.clock.now().toISOString();
    const later = await createTransaction(h, k.token);
    const all = TransactionSearchResponseSchema.parse(await (await op('GET', `/v1/fleet/transactions?kiosk_id=${k.kioskId}`)).json());
    expect(all.items.map((t) => t.id)).toEqual([later.transaction.id, paid.transaction.id]);
    expect(all.items[1]).toMatchObject({ status: 'paid', job: { status: 'pending', coins: 20 } });
    expect(all.items[1]?.events.map((e) => e.type)).toContain('job.created');
    const recent = TransactionSearchResponseSchema.parse(await (await op('GET', `/v1/fleet/transactions?kiosk_id=${k.kioskId}&from=${encodeURIComponent(since)}`)).json());
    expect(recent.items.map((t) => t.id)).toEqual([later.transaction.id]);
    expect((await op('GET', '/v1/fleet/transactions?from=yesterday')).status).toBe(400);
  });

  it('lists stuck jobs, open credits, flagged events and silent kiosks once past their thresholds', async () => {
    const k = await h.enrollKiosk('attn');
    const tx = await createPaidTransaction(h, k.token);
    const { rows } = await h.tdb.db.query<{ id: string }>('SELECT id FROM dispense_jobs WHERE transaction_id = $1', [tx.transaction.id]);
    const jobId = rows[0]!.id;
    const open = () => h.tdb.db.tx((q) =>
      openCredit(q, { transactionId: tx.transaction.id, jobId, kioskId: k.kioskId, reason: 'partial_payout', coins: 3, actor: 'cloud', now: h.clock.now() }));
    expect(await open()).toBe(true);
    expect(await open()).toBe(false);
    const kinds = async () => FleetAttentionResponseSchema.parse(await (await op('GET', '/v1/fleet/attention')).json()).items
      .filter((i) => i.kiosk_id === k.kioskId).map((i) => i.kind).sort();
    expect(await kinds()).toEqual(['credit_open']);
    h.clock.advance(3600_000);
    expect(await kinds()).toEqual(['credit_open', 'job_stuck', 'kiosk_silent']);
    const items = FleetAttentionResponseSchema.parse(await (await op('GET', '/v1/fleet/attention')).json()).items;
    expect(items.find((i) => i.kind === 'credit_open' && i.kiosk_id === k.kioskId)?.detail).toMatchObject({ amount_cents: 75, coins: 3, reason: 'partial_payout' });
  });

  it('serves Prometheus text to the operator only', async () => {
    const res = await op('GET', '/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^roluatm_transactions_open\{status="paid"\} \d+$/m);
    expect(text).toMatch(/^roluatm_kiosks_estimate\{status="all"\} \d+$/m);
    expect(text).toContain('roluatm_payment_mode_info{mode="none"} 1');
    expect(text).toMatch(/^roluatm_http_requests_total\{method="GET",route="\/v1\/fleet\/kiosks",status="200"\} \d+$/m);
    // issue 17: prom-client's process and event-loop metrics, and the histogram by route.
    expect(text).toMatch(/^roluatm_process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^roluatm_nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^roluatm_http_request_duration_seconds_bucket\{le="0\.005",route="\/v1\/fleet\/kiosks"\} \d+$/m);
    expect(text).toContain('roluatm_rate_limited_total{scope="ip"}');
    expect((await h.req('GET', '/metrics')).status).toBe(401);
  });

  it('counts its /metrics gauges from indexes, never by scanning a whole table (issue 18)', async () => {
    expect((await fleetCounts(h.tdb.db)).length).toBeGreaterThan(0);
    // With sequential scans priced out, any table the query could only read whole still shows a Seq Scan.
    const plan = await h.tdb.db.tx(async (q) => {
      await q.query('SET LOCAL enable_seqscan = off');
      return (await q.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${FLEET_COUNTS_SQL}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).not.toMatch(/Seq Scan/);
    // …and every index read is a partial one that holds only open work (a full index scan is a table scan too).
    const used = [...plan.matchAll(/(?:Index Only Scan|Index Scan|Bitmap Index Scan) (?:using|on) (\w+)/g)].map((m) => m[1]);
    const partial = ['transactions_open_status', 'dispense_jobs_open_created', 'dispense_jobs_kiosk_open', 'dispense_jobs_incomplete', 'payments_due',
      'payments_duplicate', 'credits_open', 'credits_open_person', 'kiosk_events_flagged', 'pg_class_oid_index'];
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !partial.includes(name!))).toEqual([]);
  });

  it('describes every registered route in /openapi.json', async () => {
    const doc = (await (await h.req('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    // The console's static files (routes/console-static.ts) are not API routes.
    const registered = h.app.routes.filter((r) => r.method !== 'ALL' && !r.path.startsWith('/console')).map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([a-z_]+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(new Set(registered)).toEqual(new Set(documented));
    expect(ROUTES.length).toBe(documented.length);
    // Issue 15 made the body a union (cash_out | claim): every branch is strict.
    const create = doc.paths['/v1/transactions']?.post as { requestBody: { content: { 'application/json': { schema: { anyOf: Array<{ additionalProperties: boolean }> } } } } };
    const branches = create.requestBody.content['application/json'].schema.anyOf;
    expect(branches.length).toBeGreaterThan(0);
    expect(branches.every((b) => b.additionalProperties === false)).toBe(true);
    for (const path of ['/v1/transactions/{id}/status', '/v1/fleet/credits', '/v1/fleet/credits/{id}/settle']) expect(doc.paths[path]).toBeDefined();
  });

  it('answers 429 rate_limited per kiosk and per IP, with Retry-After', async () => {
    const k = await h.enrollKiosk('limited');
    let kioskStatus = 0;
    for (let i = 0; i < 31 && kioskStatus !== 429; i++) kioskStatus = (await h.req('GET', '/v1/jobs/next?wait=0', { token: k.token })).status;
    expect(kioskStatus).toBe(429);
    const other = await h.enrollKiosk('unlimited');
    expect((await h.req('GET', '/v1/jobs/next?wait=0', { token: other.token })).status).toBe(204);
    const fromIp = () => h.req('GET', '/healthz', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await fromIp()).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    const limited = await fromIp();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Memory token buckets (PGlite) refill a token in 3 s; the shared store (Postgres) counts fixed minutes.
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(backend === 'pg' ? 60 : 3);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await h.req('GET', '/healthz', { headers: { 'x-forwarded-for': '203.0.113.10' } })).status).toBe(200);
  });
});
