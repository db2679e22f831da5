import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { changedTables, checksum } from '../testing/db-checksum';
import { createTransaction, jobsOf, postWorldId, resultFor } from '../testing/flows';
import { createHarness, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe.each(BACKENDS)('POST /v1/transactions/:id/world-id (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  let kiosk: { kioskId: string; token: string };
  const events = async (id: string) =>
    (await h.tdb.db.query<{ type: string }>('SELECT type FROM transaction_events WHERE transaction_id = $1 ORDER BY created_at, id', [id])).rows.map((r) => r.type);

  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url });
    kiosk = await h.enrollKiosk('wid');
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  it('verifies the proof, marks the transaction paid and creates exactly one job', async () => {
    const tx = await createTransaction(h, kiosk.token, 1000);
    const res = await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'alice'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { transaction: { status: string } };
    expect(body.transaction.status).toBe('paid');
    expect(await jobsOf(h, tx.transaction.id)).toEqual([expect.objectContaining({ status: 'pending', coins: 40 })]);
    expect(await events(tx.transaction.id)).toEqual(['transaction.created', 'transaction.verified', 'transaction.paid', 'job.created']);
    // The same proof again (e.g. the kiosk retrying after a lost answer): the same success, nothing new.
    const before = await checksum(h.tdb.db);
    const portalCalls = portal.calls().length;
    const again = await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'alice'));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(body);
    expect(changedTables(before, await checksum(h.tdb.db))).toEqual([]);
    expect(portal.calls()).toHaveLength(portalCalls);
    // Another person's proof for it is still refused.
    const other = await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'mallory'));
    expect(await errorCode(other)).toBe('transaction_state');
    expect(await jobsOf(h, tx.transaction.id)).toHaveLength(1);
  });

  it("refuses a proof made for another transaction's signal with 422 and creates no job", async () => {
    const a = await createTransaction(h, kiosk.token);
    const b = await createTransaction(h, kiosk.token);
    const stolen = resultFor({ ...b, rp_context: a.rp_context }, 'mallory'); // b's signal, a's nonce
    const res = await postWorldId(h, kiosk.token, a.transaction.id, stolen);
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe('signal_mismatch');
    expect(await jobsOf(h, a.transaction.id)).toEqual([]);
    const { rows } = await h.tdb.db.query<{ status: string }>('SELECT status FROM transactions WHERE id = $1', [a.transaction.id]);
    expect(rows[0]?.status).toBe('created');
    expect(await events(a.transaction.id)).toEqual(['transaction.created', 'world_id.refused']);
  });

  it("refuses a result answering another request's nonce", async () => {
    const a = await createTransaction(h, kiosk.token);
    const b = await createTransaction(h, kiosk.token);
    const res = await postWorldId(h, kiosk.token, a.transaction.id, resultFor({ ...a, rp_context: b.rp_context }));
    expect(await errorCode(res)).toBe('nonce_invalid');
    expect(await jobsOf(h, a.transaction.id)).toEqual([]);
  });

  it('answers 422 proof_invalid when the portal refuses, and 503 when it is down, with no job', async () => {
    const tx = await createTransaction(h, kiosk.token);
    portal.setMode('invalid');
    const refused = await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx));
    expect(refused.status).toBe(422);
    expect(await errorCode(refused)).toBe('proof_invalid');
    portal.setMode('fail_5xx');
    const down = await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx));
    expect(down.status).toBe(503);
    expect(await errorCode(down)).toBe('dependency_down');
    portal.setMode('ok');
    expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
    expect((await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx))).status).toBe(200);
  });

  it("answers 404 for another kiosk's transaction and 400 for a result of the wrong shape", async () => {
    const tx = await createTransaction(h, kiosk.token);
    const other = await h.enrollKiosk('other');
    expect((await postWorldId(h, other.token, tx.transaction.id, resultFor(tx))).status).toBe(404);
    expect((await postWorldId(h, kiosk.token, tx.transaction.id, { hello: 'world' })).status).toBe(400);
    const extra = await h.req('POST', `/v1/transactions/${tx.transaction.id}/world-id`, { token: kiosk.token, body: { result: resultFor(tx), x: 1 } });
    expect(extra.status).toBe(400);
    expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
  });

  it('refuses an expired transaction with 422 transaction_expired', async () => {
    const tx = await createTransaction(h, kiosk.token);
    h.clock.advance(601_000);
    const res = await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx));
    expect(await errorCode(res)).toBe('transaction_expired');
    expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
  });

  it("limits one person's 4.0 proofs to their half of 3 cash-outs and $100 a day (2 and $50), counting nothing for refusals", async () => {
    const verify = async (amount: number) => {
      const tx = await createTransaction(h, kiosk.token, amount);
      return postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'bob'));
    };
    expect((await verify(2500)).status).toBe(200);
    expect((await verify(2000)).status).toBe(200);
    const overCents = await verify(1000);
    expect(await errorCode(overCents)).toBe('limit_reached');
    h.clock.advance(24 * 3600 * 1000);
    for (let i = 0; i < 2; i++) expect((await verify(100)).status).toBe(200);
    expect(await errorCode(await verify(100))).toBe('limit_reached');
    const { rows } = await h.tdb.db.query<{ uses: number }>('SELECT uses FROM nullifiers ORDER BY last_used_at DESC LIMIT 1');
    expect(rows[0]?.uses).toBe(2);
  });

  it('creates exactly one job when two verifications of one transaction race', async () => {
    const tx = await createTransaction(h, kiosk.token);
    // On Postgres these run on separate pooled connections; the row lock decides the winner.
    const results = await Promise.all([0, 1, 2, 3].map(() => postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'carol'))));
    // The winner answers 200; the others 422, or 200 when they arrive after its commit (idempotent).
    const statuses = results.map((r) => r.status);
    expect(statuses).toContain(200);
    for (const st of statuses) expect([200, 422]).toContain(st);
    expect(await jobsOf(h, tx.transaction.id)).toHaveLength(1);
  });
});
