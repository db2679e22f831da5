import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { CreditSchema, FleetCreditsResponseSchema } from '../../../contract/credits';
import { JobResponseSchema } from '../../../contract/http';
import type { SyncEvent } from '../../../contract/sync-events';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { expireJobs } from '../scheduler/cloud-tasks';
import { createPaidTransaction } from '../testing/flows';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

/**
 * The credits ledger (issue 15): one credit per shortfall, born in the same DB transaction as its cause,
 * adjusted (never duplicated) by a late proven payout result, listed and settled through the fleet API
 * with an audit row for every change.
 */
describe.each(BACKENDS)('credits ledger and fleet credit routes (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  let kiosk: { kioskId: string; token: string };
  let seq = 0;
  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url, JOB_TTL_SEC: '900' });
    kiosk = await h.enrollKiosk('credits');
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  const op = (method: string, path: string, body?: unknown) => h.req(method, path, { token: OPERATOR_TOKEN, body });
  const sync = (events: SyncEvent[]) => h.req('POST', '/v1/sync', { token: kiosk.token, body: { events } });
  const result = (job: { id: string; transaction_id: string; coins: number }, paid: number, outcome: 'completed' | 'partial' | 'failed'): SyncEvent => ({
    seq: ++seq,
    id: newId(),
    occurred_at: h.clock.now().toISOString(),
    type: 'payout.result',
    payload: { job_id: job.id, transaction_id: job.transaction_id, coins_ordered: job.coins, coins_paid: paid, coins_unpaid: job.coins - paid, outcome },
  });
  async function deliveredJob(amountCents = 500) {
    await createPaidTransaction(h, kiosk.token, { amountCents });
    return JobResponseSchema.parse(await (await h.req('GET', '/v1/jobs/next?wait=0', { token: kiosk.token })).json()).job;
  }
  const creditsOf = async (txId: string) =>
    (await h.tdb.db.query<{ id: string; reason: string; coins: number; amount_cents: number; state: string; coins_collected: number }>(
      'SELECT id, reason, coins, amount_cents, state, coins_collected FROM credits WHERE transaction_id = $1', [txId])).rows;
  const eventsOf = async (creditId: string) =>
    (await h.tdb.db.query<{ from_state: string | null; to_state: string; actor: string }>(
      'SELECT from_state, to_state, actor FROM credit_events WHERE credit_id = $1 ORDER BY at, id', [creditId])).rows;
  const txStatus = async (id: string) => (await h.tdb.db.query<{ status: string; coins_paid: number | null }>('SELECT status, coins_paid FROM transactions WHERE id = $1', [id])).rows[0];

  it('a failed payout opens one failed_payout credit of every coin, with its audit row, once', async () => {
    const job = await deliveredJob();
    const ev = result(job, 0, 'failed');
    expect((await sync([ev])).status).toBe(200);
    expect((await sync([ev])).status).toBe(200);
    const credits = await creditsOf(job.transaction_id);
    expect(credits).toEqual([expect.objectContaining({ reason: 'failed_payout', coins: 20, amount_cents: 500, state: 'open', coins_collected: 0 })]);
    expect(await eventsOf(credits[0]!.id)).toEqual([{ from_state: null, to_state: 'open', actor: `kiosk:${kiosk.kioskId}` }]);
  });

  it('a job past its expiry with no result becomes an expired_job credit; the kiosk that paid just before expiry adjusts it, never a second credit', async () => {
    const partlyPaid = await deliveredJob(500);
    const fullyPaid = await deliveredJob(300);
    const neverPaid = await deliveredJob(200);
    h.clock.advance(900_000);
    expect((await expireJobs(h.tdb.db, h.clock.now())).sort()).toEqual([partlyPaid.id, fullyPaid.id, neverPaid.id].sort());
    expect(await expireJobs(h.tdb.db, h.clock.now())).toEqual([]);
    for (const j of [partlyPaid, fullyPaid, neverPaid]) {
      expect(await txStatus(j.transaction_id)).toEqual({ status: 'failed', coins_paid: 0 });
      expect(await creditsOf(j.transaction_id)).toEqual([expect.objectContaining({ reason: 'expired_job', coins: j.coins, state: 'open' })]);
    }
    // The kiosk had admitted two of them just before expiry; its proven results arrive late.
    expect((await sync([result(partlyPaid, 5, 'partial'), result(fullyPaid, fullyPaid.coins, 'completed')])).status).toBe(200);
    expect(await txStatus(partlyPaid.transaction_id)).toEqual({ status: 'partial', coins_paid: 5 });
    expect(await creditsOf(partlyPaid.transaction_id)).toEqual([expect.objectContaining({ reason: 'expired_job', coins: 15, amount_cents: 375, state: 'open' })]);
    expect(await txStatus(fullyPaid.transaction_id)).toEqual({ status: 'completed', coins_paid: 12 });
    const closed = await creditsOf(fullyPaid.transaction_id);
    expect(closed).toEqual([expect.objectContaining({ coins: 0, amount_cents: 0, state: 'waived' })]); // nothing owed: paid after all
    expect(await eventsOf(closed[0]!.id)).toEqual([
      { from_state: null, to_state: 'open', actor: 'cloud' },
      { from_state: 'open', to_state: 'waived', actor: `kiosk:${kiosk.kioskId}` },
    ]);
    // A replay of the late result changes nothing more.
    expect((await sync([{ ...result(partlyPaid, 5, 'partial') }])).status).toBe(200);
    expect(await creditsOf(partlyPaid.transaction_id)).toEqual([expect.objectContaining({ coins: 15, state: 'open' })]);
  });

  it('lists credits by state in keyset pages, settles refunded and waived with an audit row, and refuses a second settle with 409 credit_not_open', async () => {
    const a = await deliveredJob();
    const b = await deliveredJob();
    await sync([result(a, 4, 'partial'), result(b, 0, 'failed')]);
    const [ca] = await creditsOf(a.transaction_id);
    const [cb] = await creditsOf(b.transaction_id);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await op('GET', `/v1/fleet/credits?state=open&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const page = FleetCreditsResponseSchema.parse(await res.json());
      pages.push(...page.items.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages).toEqual(expect.arrayContaining([ca!.id, cb!.id]));
    expect(new Set(pages).size).toBe(pages.length);

    const refunded = await op('POST', `/v1/fleet/credits/${ca!.id}/settle`, { state: 'refunded', reference: '0xabc-refund' });
    expect(refunded.status).toBe(200);
    expect(CreditSchema.parse(await refunded.json())).toMatchObject({ state: 'refunded', settle_reference: '0xabc-refund', settled_by: expect.stringMatching(/^operator:service:/) });
    const waived = await op('POST', `/v1/fleet/credits/${cb!.id}/settle`, { state: 'waived', reason: 'customer declined' });
    expect(CreditSchema.parse(await waived.json())).toMatchObject({ state: 'waived', settle_reason: 'customer declined' });
    const again = await op('POST', `/v1/fleet/credits/${ca!.id}/settle`, { state: 'waived', reason: 'twice' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('credit_not_open');
    expect(await eventsOf(ca!.id)).toEqual([
      { from_state: null, to_state: 'open', actor: `kiosk:${kiosk.kioskId}` },
      { from_state: 'open', to_state: 'refunded', actor: expect.stringMatching(/^operator:service:/) },
    ]);
    const refundedList = FleetCreditsResponseSchema.parse(await (await op('GET', '/v1/fleet/credits?state=refunded&limit=500')).json());
    expect(refundedList.items.map((c) => c.id)).toContain(ca!.id);
    expect(refundedList.items.every((c) => c.state === 'refunded')).toBe(true);
  });

  it('refuses bad settle bodies, unknown credits, bad cursors and the kiosk token', async () => {
    const job = await deliveredJob();
    await sync([result(job, 0, 'failed')]);
    const [c] = await creditsOf(job.transaction_id);
    expect((await op('POST', `/v1/fleet/credits/${c!.id}/settle`, { state: 'refunded' })).status).toBe(400);
    expect((await op('POST', `/v1/fleet/credits/${c!.id}/settle`, { state: 'collected' })).status).toBe(400);
    expect((await op('POST', `/v1/fleet/credits/${c!.id}/settle`, { state: 'waived', reason: '   ' })).status).toBe(400);
    expect((await op('POST', `/v1/fleet/credits/${newId()}/settle`, { state: 'waived', reason: 'x' })).status).toBe(404);
    expect((await op('GET', '/v1/fleet/credits?cursor=nope')).status).toBe(400);
    expect((await op('GET', '/v1/fleet/credits?state=owed')).status).toBe(400);
    expect((await h.req('GET', '/v1/fleet/credits', { token: kiosk.token })).status).toBe(401);
    expect(await creditsOf(job.transaction_id)).toEqual([expect.objectContaining({ state: 'open' })]);
  });
});
