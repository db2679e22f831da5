import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ACTION } from '../../cloud-api/src/testing/harness';
import { SIM_APP_ID } from '../../sim/worldid/portal';
import { payTransaction } from '../../sim/worldid/phone-pay';
import { waitUntil } from '../../test/support/real-cloud';
import { getTransaction } from '../db/transactions';
import { startHarness, type Harness } from './testing/kiosk-harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

/** What the cloud does when it refuses a World ID proof with `code` (the proxy answers in its place). */
const refuseProof = (x: Harness, code: string) => {
  x.cloud.proxy.hooks = {
    request: (ex) => (/\/world-id$/.test(ex.path) ? { kind: 'respond', status: 422, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code, message: 'refused' } }) } : undefined),
  };
};
/** World App pays what the cloud asks for (sim/worldid/phone-pay.ts). */
const pay = (x: Harness, txId: string) => payTransaction({ cloudUrl: x.cloud.cloud.url, portalUrl: x.cloud.portal.url }, txId);
const cloudEventTypes = async (x: Harness) => (await x.cloud.cloud.db.query<{ type: string }>('SELECT type FROM kiosk_events')).rows.map((r) => r.type);

const ready = (x: Harness) => x.waitFor((s) => s.online && s.out_of_service === null, 'the kiosk to be in service');

describe('cash-out flow', () => {
  it('goes from startCashOut to done: registers, shows the QR, verifies, receives the job and pays every coin', async () => {
    h = await startHarness({ cloudEnv: { FEE_FLAT_CENTS: '50' } });
    await ready(h);
    const started = await h.api.startCashOut({ amount_cents: 500 });
    expect(started.ok).toBe(true);
    const txId = started.ok ? started.value.transaction_id : '';
    const scan = await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    expect(scan.flow).toMatchObject({ screen: 'scan', transaction_id: txId, coins: 20, fee_cents: 50, total_cents: 550 });
    expect(scan.flow.screen === 'scan' && scan.flow.qr_svg).toMatch(/^<svg/);
    expect(h.worldId.requests[0]).toMatchObject({ signal: txId, appId: SIM_APP_ID, action: TEST_ACTION });
    h.worldId.approve();
    const done = await h.waitFor((s) => s.flow.screen === 'done', 'the receipt');
    expect(done.flow).toMatchObject({ screen: 'done', coins_paid: 20, receipt_code: txId.replace(/-/g, '').slice(-8).toUpperCase() });
    expect(h.states.some((s) => s.flow.screen === 'dispensing')).toBe(true);
    expect(h.dispenser.payouts.map((p) => p.coins)).toEqual([20]);
    expect(getTransaction(h.db, txId)).toMatchObject({ status: 'completed', coins_paid: 20 });
    const x = h;
    await waitUntil(async () => x.db.prepare('SELECT count(*) FROM outbox WHERE sent_at IS NULL').pluck().get() === 0 && (await cloudEventTypes(x)).includes('payout.result'), 'the outbox to drain');
    expect(await cloudEventTypes(h)).toEqual(expect.arrayContaining(['transaction.created', 'job.received', 'payout.result']));
    expect((await x.cloud.cloud.db.query<{ status: string; coins_paid: number }>('SELECT status, coins_paid FROM transactions WHERE id = $1', [txId])).rows[0]).toMatchObject({ status: 'completed', coins_paid: 20 });
    expect((await h.api.dismiss({})).ok).toBe(true);
    expect(h.latest().flow.screen).toBe('idle');
  });

  it.each([
    ['limit_reached', 'refused', /limit/],
    ['proof_invalid', 'refused', /could not confirm/],
    ['transaction_expired', 'expired', /expired/],
    ['nullifier_used', 'refused', /already used/],
  ])('shows a plain error screen when the cloud refuses the proof with %s', async (code, status, sentence) => {
    h = await startHarness();
    await ready(h);
    refuseProof(h, code);
    const started = await h.api.startCashOut({ amount_cents: 100 });
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    h.worldId.approve();
    const err = await h.waitFor((s) => s.flow.screen === 'error', 'the error screen');
    expect(err.flow).toMatchObject({ screen: 'error', error: { code } });
    expect(err.flow.screen === 'error' && err.flow.error.message).toMatch(sentence);
    expect(err.flow.screen === 'error' && err.flow.next_step.length).toBeGreaterThan(10);
    expect(getTransaction(h.db, started.ok ? started.value.transaction_id : '')?.status).toBe(status);
    expect(h.dispenser.payouts).toEqual([]);
  });

  it.each([
    ['kiosk_daily_cap_reached', { KIOSK_DAILY_CAP_CENTS: '400' }, /This kiosk has paid out all the cash it may today/],
    ['fleet_daily_cap_reached', { FLEET_DAILY_CAP_CENTS: '400' }, /The kiosks have paid out all the cash they may today/],
  ])('shows a plain error screen when the real cloud refuses the cash-out by a daily cap (%s)', async (code, cloudEnv, sentence) => {
    h = await startHarness({ cloudEnv });
    await ready(h);
    const started = await h.api.startCashOut({ amount_cents: 500 });
    const err = await h.waitFor((s) => s.flow.screen === 'error', 'the error screen');
    expect(err.flow).toMatchObject({ screen: 'error', error: { code } });
    expect(err.flow.screen === 'error' && err.flow.error.message).toMatch(sentence);
    expect(err.flow.screen === 'error' && err.flow.next_step).toMatch(/No money was taken/);
    const txId = started.ok ? started.value.transaction_id : '';
    expect(getTransaction(h.db, txId)?.status).toBe('refused');
    expect(h.worldId.requests).toEqual([]);
    expect(h.dispenser.payouts).toEqual([]);
    expect((await h.cloud.cloud.db.query('SELECT id FROM transactions WHERE id = $1', [txId])).rows).toEqual([]);
  });

  it('refuses to start while offline and says so', async () => {
    h = await startHarness();
    await ready(h);
    h.offline(true);
    await h.waitFor((s) => !s.online, 'the kiosk to notice it is offline');
    const r = await h.api.startCashOut({ amount_cents: 500 });
    expect(r).toMatchObject({ ok: false, error: { code: 'offline' } });
    expect(h.latest().out_of_service).toBe('offline');
    expect(h.db.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(0);
  });

  it('refuses amounts outside the limits and amounts the hopper cannot cover', async () => {
    h = await startHarness({ coins: 30 });
    await ready(h);
    expect(await h.api.startCashOut({ amount_cents: 9900 })).toMatchObject({ ok: false, error: { code: 'amount_out_of_range' } });
    expect(await h.api.startCashOut({ amount_cents: 1000 })).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(await h.api.startCashOut({ amount_cents: 250 } as never)).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('cancels from the QR screen: the World ID wait ends and the transaction is cancelled', async () => {
    h = await startHarness();
    await ready(h);
    const started = await h.api.startCashOut({ amount_cents: 200 });
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    expect((await h.api.cancel({})).ok).toBe(true);
    expect(h.latest().flow.screen).toBe('idle');
    expect(h.worldId.waiting).toBe(false);
    expect(getTransaction(h.db, started.ok ? started.value.transaction_id : '')?.status).toBe('cancelled');
  });

  it('shows the coins still owed when the hopper pays only part of the job', async () => {
    h = await startHarness();
    await ready(h);
    h.dispenser.payable = 7;
    const started = await h.api.startCashOut({ amount_cents: 500 });
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    h.worldId.approve();
    const err = await h.waitFor((s) => s.flow.screen === 'error', 'the partial payout screen');
    expect(err.flow).toMatchObject({ screen: 'error', error: { code: 'partial_payout' }, coins_owed: 13 });
    expect(getTransaction(h.db, started.ok ? started.value.transaction_id : '')).toMatchObject({ status: 'partial', coins_paid: 7 });
  });

  it('shows the payment page as a second QR while the cloud waits for payment, then pays when the job comes', async () => {
    h = await startHarness({ paymentMode: 'world_app' });
    await ready(h);
    const started = await h.api.startCashOut({ amount_cents: 500 });
    const txId = started.ok ? started.value.transaction_id : '';
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    h.worldId.approve();
    const waiting = await h.waitFor((s) => s.flow.screen === 'waiting_payment', 'the payment screen');
    expect(waiting.flow.screen === 'waiting_payment' && waiting.flow.payment_qr_svg).toMatch(/^<svg/);
    expect(h.dispenser.payouts).toEqual([]);
    expect(await pay(h, txId)).toMatch(/^Payment confirmed/);
    await h.waitFor((s) => s.flow.screen === 'done', 'the receipt');
    expect(h.dispenser.payouts.map((p) => p.coins)).toEqual([20]);
  });
});
