import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { changedTables, checksum } from '../testing/db-checksum';
import { createTransaction, jobsOf, postWorldId, resultFor } from '../testing/flows';
import { createHarness, type Harness } from '../testing/harness';
import { payAsAsked, postPayment, worldAppEnv } from '../testing/payment-flows';
import { BACKENDS } from '../testing/test-db';

/**
 * The portal-lookup cap per transaction (issue 14 "a few portal lookups per transaction";
 * payments/submit-payment.ts): POST /v1/transactions/{id}/payment may make the cloud ask the Developer
 * Portal at most PORTAL_LOOKUPS_PER_TRANSACTION_PER_MIN times per transaction, whatever World App ids are
 * sent; past it: 429 rate_limited, the portal is not asked, no job, no table changed. A pending payment
 * posted again is answered from the database and uses no lookup; each transaction has its own allowance.
 */
const LOOKUPS = 3;
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe.each(BACKENDS)('portal lookups per transaction (%s)', (backend) => {
  let portal: FakePortal;
  let h: Harness;
  let kiosk: { token: string };
  beforeAll(async () => {
    portal = await startFakePortal();
    // The per-transaction route limit is far above the lookup cap, so only the lookup cap answers here.
    h = await createHarness(backend, { ...worldAppEnv(portal), PORTAL_LOOKUPS_PER_TRANSACTION_PER_MIN: String(LOOKUPS), RATE_LIMIT_TRANSACTION_PER_MIN: '1000' });
    kiosk = await h.enrollKiosk('lookups');
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  const verified = async () => {
    const tx = await createTransaction(h, kiosk.token);
    expect((await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, newId()))).status).toBe(200);
    return tx.transaction.id;
  };
  const portalCalls = () => portal.payments.calls().length;

  it('asks the portal at most the configured number of times per transaction, then answers 429 without asking', async () => {
    const id = await verified();
    const calls = portalCalls();
    for (let i = 0; i < LOOKUPS; i++) {
      const res = await postPayment(h, id, `unknown-${i}`);
      expect([res.status, await code(res)]).toEqual([422, 'payment_invalid']);
    }
    expect(portalCalls()).toBe(calls + LOOKUPS);
    const before = await checksum(h.tdb.db);
    // Past the cap every World App id is refused before the portal is asked — a new junk id, an old one, and a real payment.
    const real = await payAsAsked(h, portal, id);
    for (const worldAppId of ['unknown-next', 'unknown-0', real]) {
      const res = await postPayment(h, id, worldAppId);
      expect([worldAppId, res.status, await code(res)]).toEqual([worldAppId, 429, 'rate_limited']);
    }
    expect(portalCalls()).toBe(calls + LOOKUPS);
    expect(await jobsOf(h, id)).toEqual([]);
    expect(changedTables(before, await checksum(h.tdb.db))).toEqual([]);
  });

  it('gives every transaction its own allowance', async () => {
    const spent = await verified();
    for (let i = 0; i <= LOOKUPS; i++) await postPayment(h, spent, `spent-${i}`);
    expect((await postPayment(h, spent, 'spent-more')).status).toBe(429);
    const other = await verified();
    const paid = await payAsAsked(h, portal, other);
    expect((await postPayment(h, other, paid)).status).toBe(200);
    expect(await jobsOf(h, other)).toHaveLength(1);
  });

  it('answers a pending payment posted again from the database: no lookup used, the portal not asked again', async () => {
    const id = await verified();
    const pending = await payAsAsked(h, portal, id, { pendingChecks: 1000 });
    expect((await postPayment(h, id, pending)).status).toBe(202);
    const calls = portalCalls();
    for (let i = 0; i < LOOKUPS * 3; i++) expect((await postPayment(h, id, pending)).status).toBe(202);
    expect(portalCalls()).toBe(calls);
    // One lookup was used by the first post: LOOKUPS - 1 remain for other ids, then 429.
    for (let i = 0; i < LOOKUPS - 1; i++) expect((await postPayment(h, id, `other-${i}`)).status).toBe(422);
    expect((await postPayment(h, id, 'other-last')).status).toBe(429);
    expect(portalCalls()).toBe(calls + LOOKUPS - 1);
  });

  it('counts no lookup for a refused request (bad World App id, unknown transaction)', async () => {
    const id = await verified();
    const calls = portalCalls();
    for (let i = 0; i < LOOKUPS * 2; i++) expect((await postPayment(h, id, '../x')).status).toBe(400);
    expect((await postPayment(h, newId(), 'unknown')).status).toBe(404);
    expect(portalCalls()).toBe(calls);
    for (let i = 0; i < LOOKUPS; i++) expect((await postPayment(h, id, `fresh-${i}`)).status).toBe(422);
  });
});
