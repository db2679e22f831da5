import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { expireUnpaidTransactions } from '../scheduler/cloud-tasks';
import { changedTables, checksum } from '../testing/db-checksum';
import { createTransaction, jobsOf, postWorldId } from '../testing/flows';
import { createHarness, type Harness } from '../testing/harness';
import { payAsAsked, postPayment, worldAppEnv } from '../testing/payment-flows';
import { BACKENDS } from '../testing/test-db';
import { fakeWorldIdResult } from '../testing/world-id-result';

/**
 * Per-human limits (issue 14; docs/SECURITY.md "Per-human limits"): one person's 3.0 and 4.0 Orb
 * nullifiers cannot be linked, so each protocol has its half of the limit; the day is the operator's;
 * a verification that never led to a payout gives its use back.
 */
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe.each(BACKENDS)('per-human limits (%s)', (backend) => {
  let portal: FakePortal;
  const harnesses: Harness[] = [];
  const open = async (env: Record<string, string>) => {
    const h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url, ...env });
    harnesses.push(h);
    return { h, kiosk: await h.enrollKiosk('limits') };
  };
  const verify = async (h: Harness, token: string, who: string, o: { amount?: number; protocol?: '3.0' | '4.0' } = {}) => {
    const tx = await createTransaction(h, token, o.amount ?? 500);
    const result = fakeWorldIdResult({ signal: tx.transaction.id, action: tx.world_id.action, nonce: tx.rp_context.nonce, identity: who, protocol: o.protocol });
    return { tx, res: await postWorldId(h, token, tx.transaction.id, result) };
  };

  beforeAll(async () => {
    portal = await startFakePortal();
  });
  afterAll(async () => {
    for (const h of harnesses) await h.dispose();
    await portal.close();
  });

  it('lets one person take the limit once in total across their 3.0 and 4.0 proofs, not once per protocol', async () => {
    const { h, kiosk } = await open({});
    expect((await verify(h, kiosk.token, 'pat', { protocol: '4.0' })).res.status).toBe(200);
    expect((await verify(h, kiosk.token, 'pat', { protocol: '4.0' })).res.status).toBe(200);
    expect((await verify(h, kiosk.token, 'pat', { protocol: '3.0' })).res.status).toBe(200);
    for (const protocol of ['3.0', '4.0'] as const) {
      const before = await checksum(h.tdb.db);
      const { tx, res } = await verify(h, kiosk.token, 'pat', { protocol });
      expect(res.status).toBe(422);
      expect(await errorCode(res)).toBe('limit_reached');
      expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
      // Only the new transaction (and its creation event) differ: the refusal changed nothing.
      expect(changedTables(before, await checksum(h.tdb.db))).toEqual(['transactions', 'transaction_events', 'issued_nonces']);
    }
  });

  it('gives a 4.0 proof the whole limit when 3.0 proofs are off', async () => {
    const { h, kiosk } = await open({ WORLD_ID_ACCEPT_LEGACY: '0' });
    for (let i = 0; i < 3; i++) expect((await verify(h, kiosk.token, 'quin')).res.status).toBe(200);
    expect(await errorCode((await verify(h, kiosk.token, 'quin')).res)).toBe('limit_reached');
  });

  it('gives back the use of a verification that expired or whose payment failed, never of a paid one', async () => {
    const { h, kiosk } = await open(worldAppEnv(portal));
    const first = await verify(h, kiosk.token, 'rae');
    const second = await verify(h, kiosk.token, 'rae');
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    expect(await errorCode((await verify(h, kiosk.token, 'rae')).res)).toBe('limit_reached');
    // The first is paid; the second's payment fails on chain: its use comes back.
    expect((await postPayment(h, first.tx.transaction.id, await payAsAsked(h, portal, first.tx.transaction.id))).status).toBe(200);
    const failed = await payAsAsked(h, portal, second.tx.transaction.id, { status: 'failed' });
    expect(await (await postPayment(h, second.tx.transaction.id, failed)).json()).toEqual({ payment_status: 'failed' });
    const third = await verify(h, kiosk.token, 'rae');
    expect(third.res.status).toBe(200);
    expect(await errorCode((await verify(h, kiosk.token, 'rae')).res)).toBe('limit_reached');
    // The third is never paid and expires: its use comes back too.
    h.clock.advance(601_000);
    expect(await expireUnpaidTransactions(h.tdb.db, h.clock.now())).toContain(third.tx.transaction.id);
    expect((await verify(h, kiosk.token, 'rae')).res.status).toBe(200);
  });

  it("counts the day in the operator's time zone", async () => {
    const { h, kiosk } = await open({ PER_HUMAN_DAY_TIME_ZONE: 'America/Bogota', WORLD_ID_ACCEPT_LEGACY: '0' });
    h.clock.set(new Date('2026-03-09T04:00:00Z')); // 23:00 on 8 March in Bogotá (UTC-5), already 9 March in UTC
    for (let i = 0; i < 3; i++) expect((await verify(h, kiosk.token, 'sol')).res.status).toBe(200);
    h.clock.set(new Date('2026-03-09T04:50:00Z')); // still 8 March in Bogotá
    expect(await errorCode((await verify(h, kiosk.token, 'sol')).res)).toBe('limit_reached');
    h.clock.set(new Date('2026-03-09T05:01:00Z')); // 00:01 on 9 March in Bogotá: a new day
    expect((await verify(h, kiosk.token, 'sol')).res.status).toBe(200);
  });
});
