import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetCreditsResponseSchema } from '../../../contract/credits';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { changedTables, checksum } from '../testing/db-checksum';
import { createTransaction, jobsOf, postWorldId, resultFor } from '../testing/flows';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { payAsAsked, postPayment, worldAppEnv } from '../testing/payment-flows';
import { BACKENDS } from '../testing/test-db';

/**
 * Nothing happens past an expiry (issue 14 "No cash by accident"): an rp_context past its expires_at is
 * refused even while its transaction is still open; a transaction past its expires_at gets no payment
 * request and no job — a payment confirmed too late is kept on record and listed for a refund.
 */
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe.each(BACKENDS)('expiry (%s)', (backend) => {
  let portal: FakePortal;
  let h: Harness;
  let kiosk: { token: string };
  const status = async (id: string) => (await h.tdb.db.query<{ status: string }>('SELECT status FROM transactions WHERE id = $1', [id])).rows[0]?.status;

  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, worldAppEnv(portal));
    kiosk = await h.enrollKiosk('exp');
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  it('refuses a World ID result for an rp_context past its expiry (300 s) though the transaction (600 s) is open', async () => {
    const tx = await createTransaction(h, kiosk.token);
    h.clock.advance(301_000);
    const before = await checksum(h.tdb.db);
    const res = await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'exp-ann'));
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe('nonce_invalid');
    expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
    expect(changedTables(before, await checksum(h.tdb.db))).toEqual([]);
  });

  it('refuses the payment request of a verified transaction past its expiry', async () => {
    const tx = await createTransaction(h, kiosk.token);
    expect((await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'exp-ben'))).status).toBe(200);
    h.clock.advance(600_000);
    const before = await checksum(h.tdb.db);
    const res = await h.req('GET', `/v1/transactions/${tx.transaction.id}/payment-request`);
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe('transaction_expired');
    expect(changedTables(before, await checksum(h.tdb.db))).toEqual([]);
  });

  it('gives no job for a payment confirmed after the expiry: the transaction expires and the full amount is an open credit (issue 15)', async () => {
    const tx = await createTransaction(h, kiosk.token);
    expect((await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'exp-cat'))).status).toBe(200);
    const paid = await payAsAsked(h, portal, tx.transaction.id);
    h.clock.advance(600_000);
    const res = await postPayment(h, tx.transaction.id, paid);
    expect(await res.json()).toEqual({ payment_status: 'confirmed' });
    expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
    expect(await status(tx.transaction.id)).toBe('expired');
    const attention = await h.req('GET', '/v1/fleet/attention', { token: OPERATOR_TOKEN });
    const items = ((await attention.json()) as { items: Array<{ kind: string; transaction_id: string | null }> }).items;
    expect(items.filter((i) => i.transaction_id === tx.transaction.id).map((i) => i.kind)).toEqual(['credit_open']);
    const credits = FleetCreditsResponseSchema.parse(await (await h.req('GET', '/v1/fleet/credits?state=open&limit=500', { token: OPERATOR_TOKEN })).json());
    expect(credits.items.filter((c) => c.transaction_id === tx.transaction.id)).toEqual([
      expect.objectContaining({ reason: 'late_payment', coins: tx.transaction.coins, amount_cents: tx.transaction.amount_cents, coins_collected: 0, state: 'open' }),
    ]);
  });

  it('a failed payment never fails a transaction that already has a confirmed payment', async () => {
    const tx = await createTransaction(h, kiosk.token);
    const good = await payAsAsked(h, portal, tx.transaction.id);
    expect(await (await postPayment(h, tx.transaction.id, good)).json()).toEqual({ payment_status: 'confirmed' });
    const bad = await payAsAsked(h, portal, tx.transaction.id, { status: 'failed' });
    expect(await (await postPayment(h, tx.transaction.id, bad)).json()).toEqual({ payment_status: 'failed' });
    expect(await status(tx.transaction.id)).toBe('created');
    expect((await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'exp-dan'))).status).toBe(200);
    expect(await status(tx.transaction.id)).toBe('paid');
    expect(await jobsOf(h, tx.transaction.id)).toHaveLength(1);
  });
});
