import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { changedTables, checksum } from '../testing/db-checksum';
import { createTransaction, jobsOf } from '../testing/flows';
import { createHarness, type Harness } from '../testing/harness';
import { postPayment, worldAppEnv } from '../testing/payment-flows';
import { BACKENDS } from '../testing/test-db';

/**
 * The public payment routes cannot be turned against the portal or the database (issue 14): the World
 * App id is one safe path segment, a customer's calls cause a few portal lookups per transaction at most,
 * and the routes are rate-limited per transaction. Each refusal: its 4xx, no job, no table changed.
 */
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe.each(BACKENDS)('payment route abuse (%s)', (backend) => {
  let portal: FakePortal;
  let h: Harness;
  let kiosk: { token: string };

  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, { ...worldAppEnv(portal), RATE_LIMIT_TRANSACTION_PER_MIN: '6', PORTAL_LOOKUPS_PER_TRANSACTION_PER_MIN: '2' });
    kiosk = await h.enrollKiosk('abuse');
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  async function refused(res: Promise<Response>, status: number, code: string, transactionId: string, before: Record<string, string>) {
    const r = await res;
    expect(r.status).toBe(status);
    expect(await errorCode(r)).toBe(code);
    expect(await jobsOf(h, transactionId)).toEqual([]);
    expect(changedTables(before, await checksum(h.tdb.db))).toEqual([]);
  }

  it('refuses a World App id that could leave its path segment, before asking the portal', async () => {
    const tx = await createTransaction(h, kiosk.token);
    const calls = portal.payments.calls().length;
    for (const hostile of ['..', '../../api/v4/verify/rp_1', '%2e%2e', 'a/b', 'id?x=1#y', '']) {
      const before = await checksum(h.tdb.db);
      await refused(postPayment(h, tx.transaction.id, hostile), 400, 'malformed', tx.transaction.id, before);
    }
    expect(portal.payments.calls()).toHaveLength(calls);
  });

  it('answers 404 for a transaction id in the path that is not a UUID', async () => {
    const before = await checksum(h.tdb.db);
    for (const path of ['..', 'not-a-uuid', '%2e%2e']) {
      const res = await h.req('POST', `/v1/transactions/${path}/payment`, { body: { transaction_id: 'abc' } });
      expect(res.status).toBe(404);
    }
    expect(changedTables(before, await checksum(h.tdb.db))).toEqual([]);
  });

  it("lets a customer's calls cause at most the configured portal lookups per transaction", async () => {
    const tx = await createTransaction(h, kiosk.token);
    const calls = portal.payments.calls().length;
    for (let i = 0; i < 2; i++) expect(await errorCode(await postPayment(h, tx.transaction.id, `unknown-${i}`))).toBe('payment_invalid');
    const before = await checksum(h.tdb.db);
    await refused(postPayment(h, tx.transaction.id, 'unknown-3'), 429, 'rate_limited', tx.transaction.id, before);
    expect(portal.payments.calls()).toHaveLength(calls + 2);
  });

  it('rate-limits the public payment routes per transaction, not per caller', async () => {
    const tx = await createTransaction(h, kiosk.token);
    const other = await createTransaction(h, kiosk.token);
    for (let i = 0; i < 6; i++) expect((await h.req('GET', `/v1/transactions/${tx.transaction.id}/payment-request`)).status).toBe(200);
    const before = await checksum(h.tdb.db);
    const limited = await h.req('GET', `/v1/transactions/${tx.transaction.id}/payment-request`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    await refused(postPayment(h, tx.transaction.id, 'abc'), 429, 'rate_limited', tx.transaction.id, before);
    expect((await h.req('GET', `/v1/transactions/${other.transaction.id}/payment-request`)).status).toBe(200);
    expect((await h.req('GET', `/v1/transactions/${newId()}/payment-request`)).status).toBe(404);
  });
});
