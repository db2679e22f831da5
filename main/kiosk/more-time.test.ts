import { afterEach, describe, expect, it } from 'vitest';
import type { KioskState } from '../../contract/kiosk-api';
import { waitUntil } from '../../test/support/real-cloud';
import { getTransaction } from '../db/transactions';
import { startHarness, type Harness } from './testing/kiosk-harness';

/**
 * Issue 16 "Need more time?": `extendSession` pushes the scan or pay countdown out by MORE_TIME_SEC, at
 * most MORE_TIME_MAX times per step, never past what the cloud still accepts (step-deadline.ts), and is
 * refused anywhere else. The whole kiosk core on a real SQLite file against the real cloud (PGlite). The
 * harness's clock stands still, so deadlines are exact: start + limit + extensions.
 */
let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const ready = (x: Harness) => x.waitFor((s) => s.online && s.out_of_service === null, 'the kiosk to be in service');
const at = (x: Harness, sec: number) => new Date(x.clock.now().getTime() + sec * 1000).toISOString();
type Flow<S extends KioskState['flow']['screen']> = Extract<KioskState['flow'], { screen: S }>;

async function toPayScreen(x: Harness): Promise<{ txId: string; pay: Flow<'waiting_payment'> }> {
  const started = await x.api.startCashOut({ amount_cents: 500 });
  if (!started.ok) throw new Error(started.error.message);
  await x.waitFor((s) => s.flow.screen === 'scan', 'the QR');
  x.worldId.approve();
  const s = await x.waitFor((st) => st.flow.screen === 'waiting_payment', 'the pay screen');
  return { txId: started.value.transaction_id, pay: s.flow as Flow<'waiting_payment'> };
}

describe('"Need more time?" (issue 16)', () => {
  it('on the scan step: each tap adds MORE_TIME_SEC up to MORE_TIME_MAX, then is refused; the cash-out still completes', async () => {
    h = await startHarness({ env: { QR_TIMEOUT_SEC: '120', MORE_TIME_SEC: '60', MORE_TIME_MAX: '2' } });
    await ready(h);
    expect(await h.api.extendSession({})).toMatchObject({ ok: false, error: { code: 'not_extendable' } });
    const started = await h.api.startCashOut({ amount_cents: 500 });
    const txId = started.ok ? started.value.transaction_id : '';
    const scan = await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    expect(scan.flow).toMatchObject({ screen: 'scan', expires_at: at(h, 120), extensions_left: 2 });

    expect(await h.api.extendSession({})).toEqual({ ok: true, value: { expires_at: at(h, 180) } });
    expect(h.latest().flow).toMatchObject({ screen: 'scan', transaction_id: txId, expires_at: at(h, 180), extensions_left: 1 });
    expect(await h.api.extendSession({})).toEqual({ ok: true, value: { expires_at: at(h, 240) } });
    expect(h.latest().flow).toMatchObject({ screen: 'scan', expires_at: at(h, 240), extensions_left: 0 });
    expect(await h.api.extendSession({})).toMatchObject({ ok: false, error: { code: 'no_more_time' } });
    expect(h.latest().flow).toMatchObject({ expires_at: at(h, 240) });

    // The session goes on: the scan is answered, the coins come out.
    h.worldId.approve();
    const done = await h.waitFor((s) => s.flow.screen === 'done', 'the receipt');
    expect(done.flow).toMatchObject({ screen: 'done', transaction_id: txId, coins_paid: 20 });
    expect(await h.api.extendSession({})).toMatchObject({ ok: false, error: { code: 'not_extendable' } });
    expect(getTransaction(h.db, txId)).toMatchObject({ status: 'completed', coins_paid: 20 });
  });

  it('a scan countdown that ran out after an extension ends the session as a timeout (expired, reported), not a cancel', async () => {
    h = await startHarness({ env: { QR_TIMEOUT_SEC: '10', MORE_TIME_SEC: '2' } });
    await ready(h);
    const started = await h.api.startCashOut({ amount_cents: 500 });
    const txId = started.ok ? started.value.transaction_id : '';
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    const t0 = Date.now();
    expect(await h.api.extendSession({})).toEqual({ ok: true, value: { expires_at: at(h, 12) } });
    const x = h;
    await waitUntil(async () => x.latest().flow.screen === 'error', 'the extended scan limit', 20_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(11_000);
    expect(h.latest().flow).toMatchObject({ screen: 'error', error: { code: 'timeout' }, transaction_id: txId });
    expect(getTransaction(h.db, txId)).toMatchObject({ status: 'expired', reason: 'timeout' });
    expect(h.worldId.waiting).toBe(false);
    await waitUntil(async () => (await x.cloud.cloud.db.query<{ status: string }>('SELECT status FROM transactions WHERE id = $1', [txId])).rows[0]?.status === 'expired', 'the cloud to hear the session ended');
  }, 30_000);

  it('on the pay step: the countdown moves out, and a timeout after it still ends the session once, reported to the cloud', async () => {
    h = await startHarness({ paymentMode: 'world_app', env: { PAYMENT_TIMEOUT_SEC: '2', MORE_TIME_SEC: '3' } });
    await ready(h);
    const { txId, pay } = await toPayScreen(h);
    expect(pay).toMatchObject({ expires_at: at(h, 2), extensions_left: 2 });
    expect(await h.api.extendSession({})).toEqual({ ok: true, value: { expires_at: at(h, 5) } });
    expect(h.latest().flow).toMatchObject({ screen: 'waiting_payment', expires_at: at(h, 5), extensions_left: 1 });
    // Past the first limit (2 s) the session is still live: nothing ended, Cancel still works.
    await new Promise((r) => setTimeout(r, 3000));
    expect(h.latest().flow.screen).toBe('waiting_payment');
    expect(getTransaction(h.db, txId)?.status).toBe('verified');
    // The extended limit passes: the session ends (expired + outbox, one SQLite transaction) and says so.
    const ended = await h.waitFor((s) => s.flow.screen === 'error', 'the extended limit');
    expect(ended.flow).toMatchObject({ screen: 'error', error: { code: 'payment_timeout' }, transaction_id: txId });
    expect(getTransaction(h.db, txId)).toMatchObject({ status: 'expired', reason: expect.stringMatching(/payment timeout/) });
    const x = h;
    const outbox = x.db.prepare("SELECT count(*) FROM outbox WHERE type = 'transaction.status' AND payload LIKE ?").pluck().get(`%${txId}%expired%`);
    expect(outbox).toBe(1);
    expect(await x.api.extendSession({})).toMatchObject({ ok: false, error: { code: 'not_extendable' } });
    await waitUntil(async () => (await x.cloud.cloud.db.query<{ status: string }>('SELECT status FROM transactions WHERE id = $1', [txId])).rows[0]?.status === 'expired', 'the cloud to hear the session ended');
    expect(h.dispenser.payouts).toEqual([]);
  });

  it('never past the cloud: an extension stops 30 s before the transaction expires, and is not offered once that is near', async () => {
    // The cloud keeps the transaction 100 s: the pay step may run to 70 s after registering, no later.
    h = await startHarness({ paymentMode: 'world_app', cloudEnv: { TRANSACTION_TTL_SEC: '100' }, env: { PAYMENT_TIMEOUT_SEC: '20', MORE_TIME_SEC: '60' } });
    await ready(h);
    const { txId, pay } = await toPayScreen(h);
    expect(pay).toMatchObject({ expires_at: at(h, 20), extensions_left: 2 });
    expect(await h.api.extendSession({})).toEqual({ ok: true, value: { expires_at: at(h, 70) } });
    expect(h.latest().flow).toMatchObject({ screen: 'waiting_payment', expires_at: at(h, 70), extensions_left: 0 });
    expect(await h.api.extendSession({})).toMatchObject({ ok: false, error: { code: 'no_more_time' } });
    expect((await h.api.cancel({})).ok).toBe(true);
    expect(getTransaction(h.db, txId)?.status).toBe('cancelled');
  });

  it('the scan step stays within the World ID request: 30 s before the rp_context expires (300 s after registering)', async () => {
    h = await startHarness({ env: { QR_TIMEOUT_SEC: '180', MORE_TIME_SEC: '60', MORE_TIME_MAX: '3' } });
    await ready(h);
    await h.api.startCashOut({ amount_cents: 500 });
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    expect(await h.api.extendSession({})).toEqual({ ok: true, value: { expires_at: at(h, 240) } });
    expect(await h.api.extendSession({})).toEqual({ ok: true, value: { expires_at: at(h, 270) } });
    expect(h.latest().flow).toMatchObject({ screen: 'scan', extensions_left: 0 });
    expect(await h.api.extendSession({})).toMatchObject({ ok: false, error: { code: 'no_more_time' } });
  });
});
