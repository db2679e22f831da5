import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { ClaimAnswerSchema } from '../../../contract/credits';
import { CreateTransactionResponseSchema, JobResponseSchema, WorldIdResponseSchema } from '../../../contract/http';
import type { SyncEvent } from '../../../contract/sync-events';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { expireJobs } from '../scheduler/cloud-tasks';
import { createPaidTransaction, postWorldId, resultFor } from '../testing/flows';
import { createHarness, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

/**
 * Collecting owed coins at any kiosk (issue 15): a claim transaction's World ID proof allocates the person's
 * open credits (capped by the kiosk's coins) to one signed job, not counted against the daily limit; only the
 * kiosk's proven payout result moves coins to collected, a short claim returns the rest to open, and two
 * claims racing for the same credits cannot both get them.
 */
describe.each(BACKENDS)('claims (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  const seqs = new Map<string, number>();
  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url });
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  const sync = async (token: string, payloads: Array<Pick<SyncEvent, 'type' | 'payload'>>) => {
    const events = payloads.map((p) => {
      const seq = (seqs.get(token) ?? 0) + 1;
      seqs.set(token, seq);
      return { ...p, seq, id: newId(), occurred_at: h.clock.now().toISOString() } as SyncEvent;
    });
    const res = await h.req('POST', '/v1/sync', { token, body: { events } });
    expect(res.status).toBe(200);
  };
  const heartbeat = (token: string, coins: number) =>
    sync(token, [{ type: 'kiosk.heartbeat', payload: { coins_available: coins, hopper_ok: true, outbox_depth: 0, version: 'test' } }]);
  const result = (job: { id: string; transaction_id: string; coins: number }, paid: number) =>
    ({ type: 'payout.result', payload: { job_id: job.id, transaction_id: job.transaction_id, coins_ordered: job.coins, coins_paid: paid, coins_unpaid: job.coins - paid, outcome: paid === job.coins ? 'completed' : paid === 0 ? 'failed' : 'partial' } }) as const;
  const nextJob = async (token: string) => JobResponseSchema.parse(await (await h.req('GET', '/v1/jobs/next?wait=0', { token })).json()).job;

  /** A cash-out at `kiosk` that paid `paid` of 20 coins: the person is owed 20 − paid. */
  async function owedAfterPartial(token: string, person: string, paid: number) {
    await createPaidTransaction(h, token, { amountCents: 500, identity: person });
    const job = await nextJob(token);
    await sync(token, [result(job, paid)]);
    return job;
  }
  async function registerClaim(token: string) {
    const res = await h.req('POST', '/v1/transactions', { token, body: { id: newId(), kind: 'claim' } });
    expect(res.status).toBe(201);
    return CreateTransactionResponseSchema.parse(await res.json());
  }
  const credit = async (txId: string) =>
    (await h.tdb.db.query<{ coins: number; coins_collected: number; coins_allocated: number; state: string }>(
      'SELECT coins, coins_collected, coins_allocated, state FROM credits WHERE transaction_id = $1', [txId])).rows[0];

  it('collects a partial payout at a second kiosk: allocation, one job, collected only from the proven result; a short claim returns the rest to open', async () => {
    const a = await h.enrollKiosk('claim-a');
    const b = await h.enrollKiosk('claim-b');
    const source = await owedAfterPartial(a.token, 'claimer-1', 7); // 13 owed
    await heartbeat(b.token, 100);
    const claim = await registerClaim(b.token);
    expect(claim.transaction).toMatchObject({ kind: 'claim', amount_cents: 0, coins: 0, status: 'created' });
    const uses = async () => (await h.tdb.db.query('SELECT uses, amount_cents_total FROM nullifiers')).rows;
    const usesBefore = await uses();
    const res = await postWorldId(h, b.token, claim.transaction.id, resultFor(claim, 'claimer-1'));
    expect(res.status).toBe(200);
    const body = WorldIdResponseSchema.parse(await res.json());
    expect(body.claim).toEqual({ coins: 13, amount_cents: 325, coins_left_owed: 0 });
    expect(body.transaction).toMatchObject({ kind: 'claim', status: 'paid', coins: 13, amount_cents: 325 });
    expect(await uses()).toEqual(usesBefore); // not counted against the daily limit
    expect(await credit(source.transaction_id)).toEqual({ coins: 13, coins_collected: 0, coins_allocated: 13, state: 'open' });
    // The same proof again: the same answer, nothing new.
    const again = await postWorldId(h, b.token, claim.transaction.id, resultFor(claim, 'claimer-1'));
    expect(ClaimAnswerSchema.parse(((await again.json()) as { claim: unknown }).claim)).toEqual({ coins: 13, amount_cents: 325, coins_left_owed: 0 });

    const job = await nextJob(b.token);
    expect(job).toMatchObject({ transaction_id: claim.transaction.id, coins: 13 });
    await sync(b.token, [result(job, 10)]); // the hopper ran empty after 10
    expect(await credit(source.transaction_id)).toEqual({ coins: 13, coins_collected: 10, coins_allocated: 0, state: 'open' });
    const claimCredits = await h.tdb.db.query('SELECT 1 FROM credits WHERE transaction_id = $1', [claim.transaction.id]);
    expect(claimCredits.rowCount).toBe(0); // a claim's shortfall is never a new credit

    const second = await registerClaim(b.token);
    const body2 = WorldIdResponseSchema.parse(await (await postWorldId(h, b.token, second.transaction.id, resultFor(second, 'claimer-1'))).json());
    expect(body2.claim).toEqual({ coins: 3, amount_cents: 75, coins_left_owed: 0 });
    await sync(b.token, [result(await nextJob(b.token), 3)]);
    expect(await credit(source.transaction_id)).toEqual({ coins: 13, coins_collected: 13, coins_allocated: 0, state: 'collected' });
    const trail = (await h.tdb.db.query<{ to_state: string }>(
      'SELECT e.to_state FROM credit_events e JOIN credits c ON c.id = e.credit_id WHERE c.transaction_id = $1 ORDER BY e.at, e.id', [source.transaction_id])).rows;
    expect(trail.map((t) => t.to_state)).toEqual(['open', 'open', 'collected']);
  });

  it('a claim job that expires unreported releases its coins to open; the kiosk\'s late proven result collects them after all', async () => {
    const a = await h.enrollKiosk('late-a');
    const b = await h.enrollKiosk('late-b');
    const source = await owedAfterPartial(a.token, 'claimer-late', 12); // 8 owed
    await heartbeat(b.token, 100);
    const claim = await registerClaim(b.token);
    expect((await postWorldId(h, b.token, claim.transaction.id, resultFor(claim, 'claimer-late'))).status).toBe(200);
    const job = await nextJob(b.token);
    h.clock.advance(h.config.JOB_TTL_SEC * 1000);
    expect(await expireJobs(h.tdb.db, h.clock.now())).toContain(job.id);
    expect(await credit(source.transaction_id)).toEqual({ coins: 8, coins_collected: 0, coins_allocated: 0, state: 'open' });
    expect((await h.tdb.db.query('SELECT 1 FROM credits WHERE transaction_id = $1', [claim.transaction.id])).rowCount).toBe(0);
    await sync(b.token, [result(job, 8)]); // the kiosk had admitted it just before expiry and paid every coin
    expect(await credit(source.transaction_id)).toEqual({ coins: 8, coins_collected: 8, coins_allocated: 0, state: 'collected' });
    const t = await h.tdb.db.query<{ status: string; coins_paid: number }>('SELECT status, coins_paid FROM transactions WHERE id = $1', [claim.transaction.id]);
    expect(t.rows[0]).toEqual({ status: 'completed', coins_paid: 8 });
  });

  it("takes no more than the kiosk's coins; the rest stays open", async () => {
    const a = await h.enrollKiosk('cap-a');
    const b = await h.enrollKiosk('cap-b');
    const source = await owedAfterPartial(a.token, 'claimer-cap', 0); // 20 owed
    await heartbeat(b.token, 6);
    const claim = await registerClaim(b.token);
    const body = WorldIdResponseSchema.parse(await (await postWorldId(h, b.token, claim.transaction.id, resultFor(claim, 'claimer-cap'))).json());
    expect(body.claim).toEqual({ coins: 6, amount_cents: 150, coins_left_owed: 14 });
    expect(await credit(source.transaction_id)).toMatchObject({ coins: 20, coins_allocated: 6, state: 'open' });
  });

  it('nothing owed: 422 nothing_owed, the claim ends refused, no job', async () => {
    const b = await h.enrollKiosk('nothing');
    await heartbeat(b.token, 100);
    const claim = await registerClaim(b.token);
    const res = await postWorldId(h, b.token, claim.transaction.id, resultFor(claim, 'owed-nothing'));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('nothing_owed');
    const t = await h.tdb.db.query<{ status: string }>('SELECT status FROM transactions WHERE id = $1', [claim.transaction.id]);
    expect(t.rows[0]?.status).toBe('refused');
    expect((await h.tdb.db.query('SELECT 1 FROM dispense_jobs WHERE transaction_id = $1', [claim.transaction.id])).rowCount).toBe(0);
    expect((await h.req('GET', `/v1/transactions/${claim.transaction.id}/payment-request`)).status).toBe(404);
  });

  it.runIf(backend === 'pg')('two claims racing for the same credits at two kiosks: only one gets them', async () => {
    const a = await h.enrollKiosk('race-a');
    const b = await h.enrollKiosk('race-b');
    const source = await owedAfterPartial(a.token, 'claimer-race', 5); // 15 owed
    await heartbeat(a.token, 100);
    await heartbeat(b.token, 100);
    const ca = await registerClaim(a.token);
    const cb = await registerClaim(b.token);
    const [ra, rb] = await Promise.all([
      postWorldId(h, a.token, ca.transaction.id, resultFor(ca, 'claimer-race')),
      postWorldId(h, b.token, cb.transaction.id, resultFor(cb, 'claimer-race')),
    ]);
    const statuses = [ra.status, rb.status].sort();
    expect(statuses).toEqual([200, 422]);
    const winner = ra.status === 200 ? ra : rb;
    expect(WorldIdResponseSchema.parse(await winner.json()).claim).toEqual({ coins: 15, amount_cents: 375, coins_left_owed: 0 });
    const loser = ra.status === 200 ? rb : ra;
    expect(((await loser.json()) as { error: { code: string } }).error.code).toBe('nothing_owed');
    expect(await credit(source.transaction_id)).toMatchObject({ coins: 15, coins_allocated: 15 });
    const allocated = await h.tdb.db.query<{ n: number }>('SELECT sum(a.coins)::int AS n FROM credit_allocations a JOIN credits c ON c.id = a.credit_id WHERE c.transaction_id = $1', [source.transaction_id]);
    expect(allocated.rows[0]?.n).toBe(15);
  });
});
