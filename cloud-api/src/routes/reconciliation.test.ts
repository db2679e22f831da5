import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { RECONCILIATION_CSV_COLUMNS, ReconciliationResponseSchema } from '../../../contract/console-api';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { createPaidTransaction, jobsOf } from '../testing/flows';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

/** Issue 17: reconciliation per kiosk and day — refills, coins promised, paid, owed as credits, and the difference (0 when nothing was lost). */
describe.each(BACKENDS)('reconciliation (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  const get = (path: string) => h.req('GET', path, { token: OPERATOR_TOKEN });

  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url });
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  it('counts a refill, a partial payout and its credit per UTC day, as JSON and as CSV', async () => {
    const k = await h.enrollKiosk('recon');
    const tx = await createPaidTransaction(h, k.token, { amountCents: 500 });
    const [job] = await jobsOf(h, tx.transaction.id);
    if (!job) throw new Error('no job');
    const at = h.clock.now().toISOString();
    const events = [
      { seq: 1, id: newId(), occurred_at: at, type: 'admin.action', payload: { action: 'refill', detail: { coins: 300, previous: 100 } } },
      { seq: 2, id: newId(), occurred_at: at, type: 'payout.result',
        payload: { job_id: job.id, transaction_id: tx.transaction.id, coins_ordered: 20, coins_paid: 15, coins_unpaid: 5, outcome: 'partial' } },
    ];
    expect((await h.req('POST', '/v1/sync', { token: k.token, body: { events } })).status).toBe(200);
    const day = at.slice(0, 10);
    const res = await get(`/v1/fleet/reconciliation?from=${day}&to=${day}&kiosk_id=${k.kioskId}`);
    expect(res.status).toBe(200);
    const { rows } = ReconciliationResponseSchema.parse(await res.json());
    const credits = await h.tdb.db.query<{ coins: number }>('SELECT coins FROM credits WHERE transaction_id = $1', [tx.transaction.id]);
    const opened = credits.rows.reduce((n, r) => n + r.coins, 0);
    expect(rows).toEqual([{
      kiosk_id: k.kioskId, kiosk_name: 'recon', day, coins_loaded: 200, coins_due: 20, coins_paid: 15,
      credits_opened_coins: opened, credits_collected_coins: 0, difference: 5 - opened,
    }]);
    expect(opened).toBe(5);
    const csv = await get(`/v1/fleet/reconciliation.csv?from=${day}&to=${day}&kiosk_id=${k.kioskId}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines).toEqual([RECONCILIATION_CSV_COLUMNS.join(','), `${k.kioskId},recon,${day},200,20,15,5,0,0`]);
    const asCsv = await get(`/v1/fleet/reconciliation?from=${day}&to=${day}&kiosk_id=${k.kioskId}&format=csv`);
    expect((await asCsv.text()).trimEnd().split('\r\n')).toEqual(lines);
    expect((await get(`/v1/fleet/reconciliation?from=${day}&to=2000-01-01`)).status).toBe(400);
    expect((await get('/v1/fleet/reconciliation?from=yesterday&to=today')).status).toBe(400);
  });
});
