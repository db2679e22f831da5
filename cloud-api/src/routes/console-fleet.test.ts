import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import {
  ConsoleAttentionResponseSchema,
  FleetKioskListResponseSchema,
  KioskDetailResponseSchema,
  TRANSACTION_CSV_COLUMNS,
  TransactionDetailResponseSchema,
  TransactionSearchResponseSchema,
} from '../../../contract/console-api';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { receiptCodeOf } from '../db/transaction-search';
import { createPaidTransaction } from '../testing/flows';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { seedTransactions } from '../testing/seed-transactions';
import { BACKENDS } from '../testing/test-db';

/** Issue 17: the console's fleet list, kiosk page, transaction search (keyset pages, filters), CSV export and trail. */
describe.each(BACKENDS)('console fleet and transaction search (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  let kioskA: { kioskId: string; token: string };
  let kioskB: { kioskId: string; token: string };
  const SEEDED = 260;
  const get = (path: string) => h.req('GET', path, { token: OPERATOR_TOKEN });

  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, { LOW_COINS_THRESHOLD: '50', DEV_PORTAL_BASE_URL: portal.url });
    kioskA = await h.enrollKiosk('a');
    kioskB = await h.enrollKiosk('b');
    await seedTransactions(h.tdb.db, { kioskId: kioskA.kioskId, count: SEEDED, newest: new Date('2026-01-10T12:00:00Z'), salt: 1 });
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  it('pages every transaction exactly once with the keyset cursor, newest first, however deep', async () => {
    const seen: string[] = [];
    const times: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const res = await get(`/v1/fleet/transactions?kiosk_id=${kioskA.kioskId}&limit=100${q}`);
      expect(res.status).toBe(200);
      const page = TransactionSearchResponseSchema.parse(await res.json());
      seen.push(...page.items.map((t) => t.id));
      times.push(...page.items.map((t) => t.created_at));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(SEEDED);
    expect(new Set(seen).size).toBe(SEEDED);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await get('/v1/fleet/transactions?cursor=not_a_cursor')).status).toBe(400);
    expect((await get('/v1/fleet/transactions?limit=501')).status).toBe(400);
  });

  it('finds a transaction by its receipt code, id, status and date range', async () => {
    const paid = await createPaidTransaction(h, kioskB.token);
    const id = paid.transaction.id;
    const byCode = TransactionSearchResponseSchema.parse(await (await get(`/v1/fleet/transactions?receipt_code=${receiptCodeOf(id)}`)).json());
    expect(byCode.items.map((t) => t.id)).toEqual([id]);
    expect(byCode.items[0]).toMatchObject({ receipt_code: receiptCodeOf(id), status: 'paid', job: { status: 'pending' } });
    const lower = TransactionSearchResponseSchema.parse(await (await get(`/v1/fleet/transactions?receipt_code=${receiptCodeOf(id).toLowerCase()}`)).json());
    expect(lower.items.map((t) => t.id)).toEqual([id]);
    const byId = TransactionSearchResponseSchema.parse(await (await get(`/v1/fleet/transactions?transaction_id=${id}`)).json());
    expect(byId.items.map((t) => t.id)).toEqual([id]);
    const failed = TransactionSearchResponseSchema.parse(await (await get(`/v1/fleet/transactions?status=failed&kiosk_id=${kioskA.kioskId}&limit=500`)).json());
    expect(failed.items.length).toBe(SEEDED / 2 - 43);
    expect(failed.items.every((t) => t.status === 'failed')).toBe(true);
    // Seeded rows are one second apart ending 2026-01-10T12:00:00Z: a one-minute window holds 60.
    const windowed = TransactionSearchResponseSchema.parse(
      await (await get(`/v1/fleet/transactions?from=2026-01-10T11:58:30.000Z&to=2026-01-10T11:59:30.000Z&limit=500`)).json(),
    );
    expect(windowed.items).toHaveLength(60);
    const day = TransactionSearchResponseSchema.parse(await (await get('/v1/fleet/transactions?from=2026-01-10&to=2026-01-10&limit=500')).json());
    expect(day.items).toHaveLength(SEEDED);
    expect((await get('/v1/fleet/transactions?from=yesterday')).status).toBe(400);
    expect((await get('/v1/fleet/transactions?receipt_code=zz')).status).toBe(400);
  });

  it('streams a CSV of a whole search whose rows match the database', async () => {
    const res = await get(`/v1/fleet/transactions.csv?kiosk_id=${kioskA.kioskId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(TRANSACTION_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(SEEDED + 1);
    const { rows } = await h.tdb.db.query<{ id: string; status: string; coins_paid: number | null }>(
      'SELECT id, status, coins_paid FROM transactions WHERE kiosk_id = $1 ORDER BY created_at DESC, id DESC',
      [kioskA.kioskId],
    );
    const col = (name: string) => TRANSACTION_CSV_COLUMNS.indexOf(name as (typeof TRANSACTION_CSV_COLUMNS)[number]);
    const parsed = lines.slice(1).map((l) => l.split(','));
    expect(parsed.map((f) => [f[col('id')], f[col('status')], f[col('coins_paid')]])).toEqual(
      rows.map((r) => [r.id, r.status, r.coins_paid === null ? '' : String(r.coins_paid)]),
    );
    expect(parsed.every((f) => f[col('receipt_code')] === receiptCodeOf(f[col('id')] ?? ''))).toBe(true);
    const empty = await get(`/v1/fleet/transactions.csv?kiosk_id=${newId()}`);
    expect((await empty.text()).trimEnd().split('\r\n')).toHaveLength(1);
    expect((await get('/v1/fleet/transactions.csv?limit=5')).status).toBe(400);
  });

  it("shows a transaction's whole trail, cloud and kiosk side", async () => {
    const paid = await createPaidTransaction(h, kioskB.token);
    const id = paid.transaction.id;
    const event = {
      seq: 1, id: newId(), occurred_at: h.clock.now().toISOString(), type: 'transaction.status',
      payload: { transaction_id: id, status: 'paid' },
    };
    expect((await h.req('POST', '/v1/sync', { token: kioskB.token, body: { events: [event] } })).status).toBe(200);
    const res = await get(`/v1/fleet/transactions/${id}`);
    expect(res.status).toBe(200);
    const d = TransactionDetailResponseSchema.parse(await res.json());
    expect(d.transaction.id).toBe(id);
    expect(d.cloud_events.map((e) => e.type)).toContain('job.created');
    expect(d.kiosk_events.map((e) => e.type)).toEqual(['transaction.status']);
    expect(d.job).toMatchObject({ status: 'pending' });
    expect((await get(`/v1/fleet/transactions/${newId()}`)).status).toBe(404);
  });

  it('pages the fleet with health and shows a kiosk page', async () => {
    const beat = { seq: 2, id: newId(), occurred_at: h.clock.now().toISOString(), type: 'kiosk.heartbeat',
      payload: { coins_available: 10, hopper_ok: true, outbox_depth: 0, version: '9.9.9' } };
    expect((await h.req('POST', '/v1/sync', { token: kioskB.token, body: { events: [beat] } })).status).toBe(200);
    const first = FleetKioskListResponseSchema.parse(await (await get('/v1/fleet/kiosks?limit=1')).json());
    expect(first.items.map((k) => k.id)).toEqual([kioskA.kioskId]);
    expect(first.next_cursor).not.toBeNull();
    const second = FleetKioskListResponseSchema.parse(await (await get(`/v1/fleet/kiosks?limit=1&cursor=${first.next_cursor}`)).json());
    expect(second.items[0]).toMatchObject({ id: kioskB.kioskId, health: 'low_coins', low_coins: true, coins_available: 10, version: '9.9.9' });
    expect(second.next_cursor).toBeNull();
    const detail = KioskDetailResponseSchema.parse(await (await get(`/v1/fleet/kiosks/${kioskB.kioskId}`)).json());
    expect(detail.kiosk.id).toBe(kioskB.kioskId);
    expect(detail.transactions.length).toBeGreaterThan(0);
    expect(detail.events.map((e) => e.type)).toContain('kiosk.heartbeat');
    expect(detail.config).toMatchObject({ desired_version: 0, applied_version: null });
    expect((await get(`/v1/fleet/kiosks/${newId()}`)).status).toBe(404);
  });

  it('gives each attention item the action that resolves it', async () => {
    h.clock.advance(3 * 3600_000);
    const body = ConsoleAttentionResponseSchema.parse(await (await get('/v1/fleet/attention')).json());
    const silent = body.items.find((i) => i.kind === 'kiosk_silent' && i.kiosk_id === kioskA.kioskId);
    expect(silent?.action).toMatchObject({ method: 'POST', path: `/v1/fleet/kiosks/${kioskA.kioskId}/service` });
    const stuck = body.items.find((i) => i.kind === 'job_stuck');
    expect(stuck?.action.path).toBe(`/v1/fleet/transactions/${stuck?.transaction_id}`);
  });
});
