import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { TransactionStatusResponseSchema } from '../../../contract/http';
import { payTransaction, transactionFromReturnTo } from '../../../sim/worldid/phone-pay';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { claimDuePayments } from '../db/payments';
import { RECHECK_CLAIM_SEC, recheckDuePayments } from '../payments/payment-rechecker';
import { buildDeps } from '../app';
import { createTransaction, jobsOf, postWorldId, resultFor } from '../testing/flows';
import { parseCloudConfig } from '../config';
import { startCloud } from '../start-cloud';
import { createHarness, OPERATOR_TOKEN, silentLog, testEnv, type Harness } from '../testing/harness';
import { payAsAsked, postPayment, TEST_RECIPIENT, worldAppEnv } from '../testing/payment-flows';
import { BACKENDS, pgliteDataDirCopy } from '../testing/test-db';

const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe.each(BACKENDS)('World App payments (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  let kiosk: { kioskId: string; token: string };
  const status = async (id: string) => (await h.tdb.db.query<{ status: string }>('SELECT status FROM transactions WHERE id = $1', [id])).rows[0]?.status;
  const verified = async (identity: string, amount = 500) => {
    const tx = await createTransaction(h, kiosk.token, amount);
    const res = await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, identity));
    expect(res.status).toBe(200);
    return tx;
  };

  let seq = 0;
  const nextSeq = async () => (seq += 1);
  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, worldAppEnv(portal));
    kiosk = await h.enrollKiosk('pay');
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  it('stops at verified after World ID, then a mined payment makes it paid with exactly one job', async () => {
    const tx = await verified('p-alice');
    expect(await status(tx.transaction.id)).toBe('verified');
    expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
    const reqRes = await h.req('GET', `/v1/transactions/${tx.transaction.id}/payment-request`);
    expect(await reqRes.json()).toEqual({
      reference: tx.payment_reference, to: TEST_RECIPIENT, token: 'USDC', token_amount: '5000000', description: expect.any(String),
    });
    const paid = await payAsAsked(h, portal, tx.transaction.id);
    const res = await postPayment(h, tx.transaction.id, paid);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payment_status: 'confirmed' });
    expect(await status(tx.transaction.id)).toBe('paid');
    expect(await jobsOf(h, tx.transaction.id)).toHaveLength(1);
    const again = await postPayment(h, tx.transaction.id, paid);
    expect(await again.json()).toEqual({ payment_status: 'confirmed' });
    expect(await jobsOf(h, tx.transaction.id)).toHaveLength(1);
  });

  it.each([
    ['expired', 'late_payment'],
    ['cancelled', 'cancelled_after_payment'],
  ] as const)('a payment confirmed after the kiosk reported the session %s gets no job; the amount is owed once (issue 15)', async (ended, reason) => {
    const tx = await verified(`p-ended-${ended}`);
    const id = tx.transaction.id;
    const paid = await payAsAsked(h, portal, id); // paid in World App while the pay screen was up
    const sync = await h.req('POST', '/v1/sync', {
      token: kiosk.token,
      body: { events: [{ seq: await nextSeq(), id: newId(), occurred_at: h.clock.now().toISOString(), type: 'transaction.status', payload: { transaction_id: id, status: ended, reason: 'payment timeout' } }] },
    });
    expect(sync.status).toBe(200);
    expect(await status(id)).toBe(ended);
    expect(await (await postPayment(h, id, paid)).json()).toEqual({ payment_status: 'confirmed' });
    expect(await postPayment(h, id, paid)).toBeTruthy();
    expect(await status(id)).toBe(ended);
    expect(await jobsOf(h, id)).toEqual([]);
    const owed = (await h.tdb.db.query<{ coins: number; amount_cents: number; reason: string; job_id: string | null; state: string; nullifier: string | null }>(
      'SELECT coins, amount_cents, reason, job_id, state, nullifier::text AS nullifier FROM credits WHERE transaction_id = $1', [id])).rows;
    expect(owed).toEqual([{ coins: 20, amount_cents: 500, reason, job_id: null, state: 'open', nullifier: expect.stringMatching(/^\d+$/) }]);
  });

  it('GET /v1/transactions/{id}/status (issue 15): payment none → pending → confirmed, session_ended after the kiosk\'s cancel, another kiosk\'s id 404', async () => {
    const get = async (id: string, token = kiosk.token) => h.req('GET', `/v1/transactions/${id}/status`, { token });
    const view = async (id: string) => TransactionStatusResponseSchema.parse(await (await get(id)).json());
    const tx = await verified('p-status');
    const id = tx.transaction.id;
    expect(await view(id)).toEqual({ status: 'verified', payment: 'none', session_ended: false });
    const paid = await payAsAsked(h, portal, id, { pendingChecks: 5 });
    expect((await postPayment(h, id, paid)).status).toBe(202);
    expect(await view(id)).toEqual({ status: 'verified', payment: 'pending', session_ended: false });
    // Keep the re-checker tests below to their own payments.
    await h.tdb.db.query('DELETE FROM payments WHERE world_app_transaction_id = $1', [paid]);
    const stranger = await h.enrollKiosk('status-stranger');
    const other = await get(id, stranger.token);
    expect(other.status).toBe(404);
    expect((await get(id, 'not-a-token')).status).toBe(401);
    expect((await get(newId())).status).toBe(404);
    const ended = await verified('p-status-cancel');
    await h.req('POST', '/v1/sync', {
      token: kiosk.token,
      body: { events: [{ seq: await nextSeq(), id: newId(), occurred_at: h.clock.now().toISOString(), type: 'transaction.status', payload: { transaction_id: ended.transaction.id, status: 'cancelled', reason: 'customer cancelled' } }] },
    });
    expect(await view(ended.transaction.id)).toEqual({ status: 'cancelled', payment: 'none', session_ended: true });
    const done = await verified('p-status-done');
    const donePaid = await payAsAsked(h, portal, done.transaction.id);
    expect((await postPayment(h, done.transaction.id, donePaid)).status).toBe(200);
    expect(await view(done.transaction.id)).toEqual({ status: 'paid', payment: 'confirmed', session_ended: false });
    const late = await verified('p-status-late');
    h.clock.advance(600_000);
    expect(await view(late.transaction.id)).toEqual({ status: 'verified', payment: 'none', session_ended: true });
  });

  it('answers 202 while pending and the re-checker confirms it later with backoff', async () => {
    const tx = await verified('p-bob');
    const paid = await payAsAsked(h, portal, tx.transaction.id, { pendingChecks: 2 });
    expect((await postPayment(h, tx.transaction.id, paid)).status).toBe(202);
    const deps = buildDeps({ db: h.tdb.db, config: h.config, clock: h.clock, log: silentLog });
    expect(await recheckDuePayments(deps)).toBe(0); // not due yet (first delay 1 s)
    h.clock.advance(1000);
    expect(await recheckDuePayments(deps)).toBe(1); // still pending; next in 2 s
    expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
    h.clock.advance(2000);
    expect(await recheckDuePayments(deps)).toBe(1);
    expect(await status(tx.transaction.id)).toBe('paid');
    expect(await jobsOf(h, tx.transaction.id)).toHaveLength(1);
    const { rows } = await h.tdb.db.query<{ check_count: number; status: string }>('SELECT check_count, status FROM payments WHERE world_app_transaction_id = $1', [paid]);
    expect(rows[0]).toEqual({ check_count: 3, status: 'confirmed' });
  });

  it('a due re-check is claimed by one of two instances checking at the same moment (SKIP LOCKED), and a dead claim is due again later (issue 18)', async () => {
    const tx = await verified('p-two-instances');
    const paid = await payAsAsked(h, portal, tx.transaction.id, { pendingChecks: 1000 });
    expect((await postPayment(h, tx.transaction.id, paid)).status).toBe(202);
    // A second instance: its own connections on real Postgres (PGlite is one connection: the claims still race).
    const otherDb = h.tdb.reopen ? await h.tdb.reopen() : h.tdb.db;
    try {
      const a = buildDeps({ db: h.tdb.db, config: h.config, clock: h.clock, log: silentLog });
      const b = buildDeps({ db: otherDb, config: h.config, clock: h.clock, log: silentLog });
      const lookupsOf = () => portal.payments.calls().filter((c) => c.transactionId === paid).length;
      const before = lookupsOf();
      h.clock.advance(1000);
      expect((await Promise.all([recheckDuePayments(a), recheckDuePayments(b)])).sort()).toEqual([0, 1]);
      expect(lookupsOf()).toBe(before + 1);
      // An instance that claimed and died before checking: nobody checks until the claim runs out.
      await h.tdb.db.query('UPDATE payments SET next_check_at = $2 WHERE world_app_transaction_id = $1', [paid, h.clock.now()]);
      expect(await claimDuePayments(otherDb, { now: h.clock.now(), claimUntil: new Date(h.clock.now().getTime() + RECHECK_CLAIM_SEC * 1000), limit: 20 })).toHaveLength(1);
      h.clock.advance((RECHECK_CLAIM_SEC - 1) * 1000);
      expect(await recheckDuePayments(a)).toBe(0);
      h.clock.advance(1000);
      expect(await recheckDuePayments(a)).toBe(1);
      expect(lookupsOf()).toBe(before + 2);
      await h.tdb.db.query('UPDATE payments SET next_check_at = NULL WHERE world_app_transaction_id = $1', [paid]);
    } finally {
      if (otherDb !== h.tdb.db) await otherDb.close();
    }
  });

  it('ends the transaction when the payment failed on chain, with no job', async () => {
    const tx = await verified('p-carol');
    const paid = await payAsAsked(h, portal, tx.transaction.id, { status: 'failed' });
    const res = await postPayment(h, tx.transaction.id, paid);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payment_status: 'failed' });
    expect(await status(tx.transaction.id)).toBe('failed');
    expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
  });

  it('refuses a payment id replayed for another transaction, and mismatched payments, storing nothing', async () => {
    const a = await verified('p-dave');
    const b = await verified('p-erin');
    const paidA = await payAsAsked(h, portal, a.transaction.id);
    expect((await postPayment(h, a.transaction.id, paidA)).status).toBe(200);
    const replay = await postPayment(h, b.transaction.id, paidA);
    expect(replay.status).toBe(422);
    expect(await code(replay)).toBe('payment_invalid');
    for (const o of [{ amount: '4999999' }, { to: '0x' + 'b2'.repeat(20) }, { reference: a.payment_reference }, { token: 'WLD' }]) {
      const bad = await payAsAsked(h, portal, b.transaction.id, o);
      const res = await postPayment(h, b.transaction.id, bad);
      expect(res.status).toBe(422);
      expect(await code(res)).toBe('payment_invalid');
    }
    const unknown = await postPayment(h, b.transaction.id, '0xdeadbeef');
    expect(await code(unknown)).toBe('payment_invalid');
    const { rows } = await h.tdb.db.query('SELECT 1 FROM payments WHERE transaction_id = $1', [b.transaction.id]);
    expect(rows).toEqual([]);
    expect(await status(b.transaction.id)).toBe('verified');
  });

  it('stores the payment before asking the portal: an outage answers 503, and the re-checker confirms it later', async () => {
    const tx = await verified('p-frank');
    const paid = await payAsAsked(h, portal, tx.transaction.id);
    portal.payments.setMode('fail_5xx');
    try {
      const res = await postPayment(h, tx.transaction.id, paid);
      expect(res.status).toBe(503);
      expect(await code(res)).toBe('dependency_down');
    } finally {
      portal.payments.setMode('ok');
    }
    const stored = await h.tdb.db.query<{ status: string; check_count: number }>('SELECT status, check_count FROM payments WHERE world_app_transaction_id = $1', [paid]);
    expect(stored.rows).toEqual([{ status: 'pending', check_count: 0 }]);
    expect(await status(tx.transaction.id)).toBe('verified');
    // The page asking again does not ask the portal again: the re-checker does.
    const lookups = portal.payments.calls().length;
    const again = await postPayment(h, tx.transaction.id, paid);
    expect(again.status).toBe(202);
    expect(portal.payments.calls()).toHaveLength(lookups);
    const deps = buildDeps({ db: h.tdb.db, config: h.config, clock: h.clock, log: silentLog });
    h.clock.advance(1000);
    expect(await recheckDuePayments(deps)).toBe(1);
    expect(await status(tx.transaction.id)).toBe('paid');
    expect(await jobsOf(h, tx.transaction.id)).toHaveLength(1);
    expect(await (await postPayment(h, tx.transaction.id, paid)).json()).toEqual({ payment_status: 'confirmed' });
  }, 15_000);

  it('creates the job at verification when the payment was confirmed first', async () => {
    const tx = await createTransaction(h, kiosk.token);
    const paid = await payAsAsked(h, portal, tx.transaction.id);
    expect(await (await postPayment(h, tx.transaction.id, paid)).json()).toEqual({ payment_status: 'confirmed' });
    expect(await jobsOf(h, tx.transaction.id)).toEqual([]);
    expect((await postWorldId(h, kiosk.token, tx.transaction.id, resultFor(tx, 'p-gina'))).status).toBe(200);
    expect(await status(tx.transaction.id)).toBe('paid');
    expect(await jobsOf(h, tx.transaction.id)).toHaveLength(1);
  });

  it('creates exactly one job when two confirmations of one transaction race', async () => {
    const tx = await verified('p-hal');
    const one = await payAsAsked(h, portal, tx.transaction.id);
    const two = await payAsAsked(h, portal, tx.transaction.id);
    // On Postgres these run on separate pooled connections; the transaction row lock decides.
    const results = await Promise.all([one, one, two, two].map((id) => postPayment(h, tx.transaction.id, id)));
    // A call that finds the id stored but not yet checked by the other answers 202 (pending) without asking the portal.
    for (const r of results) expect([200, 202]).toContain(r.status);
    for (const id of [one, two]) expect((await postPayment(h, tx.transaction.id, id)).status).toBe(200);
    expect(await jobsOf(h, tx.transaction.id)).toHaveLength(1);
    const { rows } = await h.tdb.db.query<{ status: string }>('SELECT status FROM payments WHERE transaction_id = $1 ORDER BY status', [tx.transaction.id]);
    expect(rows.map((r) => r.status)).toEqual(['confirmed', 'duplicate']);
    const attention = await h.tdb.db.query<{ kind: string }>("SELECT kind FROM attention_items WHERE transaction_id = $1 AND kind = 'payment_unresolved'", [tx.transaction.id]);
    expect(attention.rows).toHaveLength(1);
  });

  it('serves the mini app page and script', async () => {
    const tx = await createTransaction(h, kiosk.token);
    const page = await h.req('GET', `/miniapp/pay/${tx.transaction.id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Never framed by another site (issue 14).
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain(tx.transaction.id);
    expect((await h.req('GET', '/miniapp/pay/not-an-id')).status).toBe(404);
    const script = await h.req('GET', '/miniapp/assets/pay.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  }, 30_000);
});

describe('the simulated phone page (sim/worldid/phone-pay.ts)', () => {
  it('reads the payment request over HTTP, pays at the fake portal and gets the payment confirmed', async () => {
    const portal = await startFakePortal();
    const dataDir = await pgliteDataDirCopy();
    const cloud = await startCloud(parseCloudConfig(testEnv({ ...worldAppEnv(portal), DATA_DIR: dataDir })), { log: silentLog });
    try {
      const post = async (path: string, body: unknown, token: string) =>
        (await fetch(`${cloud.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })).json();
      const { code: enrolCode } = (await post('/v1/fleet/enrollment-codes', {}, OPERATOR_TOKEN)) as { code: string };
      const { token } = (await post('/v1/kiosks/enroll', { code: enrolCode, name: 'phone' }, '')) as { token: string };
      const created = (await post('/v1/transactions', { id: newId(), amount_cents: 300 }, token)) as { transaction: { id: string }; return_to: string };
      expect(transactionFromReturnTo(created.return_to)).toBe(created.transaction.id);
      expect(await payTransaction({ cloudUrl: cloud.url, portalUrl: portal.url }, created.transaction.id)).toBe('Payment confirmed.');
      const { rows } = await cloud.db.query<{ status: string }>('SELECT status FROM payments WHERE transaction_id = $1', [created.transaction.id]);
      expect(rows).toEqual([{ status: 'confirmed' }]);
    } finally {
      await cloud.close();
      await portal.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
