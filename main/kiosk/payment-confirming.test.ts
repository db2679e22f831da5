import { afterEach, describe, expect, it } from 'vitest';
import { simulatePay } from '../../sim/worldid/portal-payments';
import { waitUntil } from '../../test/support/real-cloud';
import { getTransaction } from '../db/transactions';
import { startHarness, type Harness } from './testing/kiosk-harness';

/**
 * Issue 15, "confirming your payment": a World App payment that was submitted but is still being mined
 * keeps the session open with its own, longer limit and no Cancel; past that limit the session ends and
 * the confirmed payment becomes a credit, never coins. Kiosk core against the real cloud (PGlite) and the
 * fake Developer Portal, whose payment stays `pending` until the test mines it.
 */
let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const ready = (x: Harness) => x.waitFor((s) => s.online && s.out_of_service === null, 'the kiosk to be in service');

/** World App submits the payment the cloud asks for; the portal answers `pending` until mine() (returns mine). */
async function payPending(x: Harness, txId: string): Promise<() => void> {
  const base = `${x.cloud.cloud.url}/v1/transactions/${txId}`;
  const ask = (await (await fetch(`${base}/payment-request`)).json()) as { reference: string; to: string; token_amount: string };
  const worldAppId = await simulatePay({ payments: x.cloud.portal.payments }, { reference: ask.reference, to: ask.to, token: 'USDCE', amount: ask.token_amount, status: 'pending' });
  const res = await fetch(`${base}/payment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transaction_id: worldAppId }) });
  expect(res.status).toBe(202);
  return () => x.cloud.portal.payments.setStatus(worldAppId, 'mined');
}

async function toPayScreen(x: Harness): Promise<string> {
  const started = await x.api.startCashOut({ amount_cents: 500 });
  if (!started.ok) throw new Error(started.error.message);
  await x.waitFor((s) => s.flow.screen === 'scan', 'the QR');
  x.worldId.approve();
  await x.waitFor((s) => s.flow.screen === 'waiting_payment', 'the pay screen');
  return started.value.transaction_id;
}

const credits = async (x: Harness, txId: string) =>
  (await x.cloud.cloud.db.query<{ reason: string; coins: number; state: string }>('SELECT reason, coins, state FROM credits WHERE transaction_id = $1', [txId])).rows;

describe('confirming your payment (issue 15)', () => {
  it('a pending payment turns the pay screen into "confirming" past the pay limit, without Cancel, and pays once it is mined', async () => {
    h = await startHarness({ paymentMode: 'world_app', env: { PAYMENT_TIMEOUT_SEC: '4', PAYMENT_CONFIRM_TIMEOUT_SEC: '120' } });
    await ready(h);
    const txId = await toPayScreen(h);
    const mine = await payPending(h, txId);
    const confirming = await h.waitFor((s) => s.flow.screen === 'confirming_payment', 'the confirming screen');
    expect(confirming.flow).toMatchObject({ screen: 'confirming_payment', transaction_id: txId, kind: 'cash_out', coins: 20 });
    expect(await h.api.cancel({})).toMatchObject({ ok: false, error: { code: 'not_cancellable' } });
    // The pay screen's own limit (4 s) passes: the session stays open.
    await new Promise((r) => setTimeout(r, 5000));
    expect(h.latest().flow.screen).toBe('confirming_payment');
    expect(getTransaction(h.db, txId)?.status).toBe('verified');
    mine();
    const done = await h.waitFor((s) => s.flow.screen === 'done', 'the coins');
    expect(done.flow).toMatchObject({ screen: 'done', transaction_id: txId, coins_paid: 20, coins_owed: 0 });
    expect(h.dispenser.payouts.map((p) => p.coins)).toEqual([20]);
  });

  it('past the confirming limit the session ends: no coin here, the screen says the amount is owed; once mined it is a credit', async () => {
    h = await startHarness({ paymentMode: 'world_app', env: { PAYMENT_TIMEOUT_SEC: '60', PAYMENT_CONFIRM_TIMEOUT_SEC: '2' } });
    await ready(h);
    const txId = await toPayScreen(h);
    const mine = await payPending(h, txId);
    await h.waitFor((s) => s.flow.screen === 'confirming_payment', 'the confirming screen');
    const ended = await h.waitFor((s) => s.flow.screen === 'error', 'the confirming limit');
    expect(ended.flow).toMatchObject({
      screen: 'error', error: { code: 'payment_confirm_timeout' }, transaction_id: txId, coins_owed: 20,
      receipt_code: txId.replace(/-/g, '').slice(-8).toUpperCase(),
    });
    expect(ended.flow.screen === 'error' && ended.flow.next_step).toMatch(/any RoluATM by scanning with World App/);
    expect(getTransaction(h.db, txId)).toMatchObject({ status: 'expired', reason: expect.stringMatching(/not confirmed in time/) });
    const x = h;
    await waitUntil(async () => (await x.cloud.cloud.db.query<{ status: string }>('SELECT status FROM transactions WHERE id = $1', [txId])).rows[0]?.status === 'expired', 'the cloud to hear the session ended');
    mine();
    await waitUntil(async () => (await credits(x, txId)).length > 0, 'the late payment to become a credit', 30_000);
    expect(await credits(h, txId)).toEqual([{ reason: 'late_payment', coins: 20, state: 'open' }]);
    expect(h.dispenser.payouts).toEqual([]);
    expect((await h.cloud.cloud.db.query('SELECT 1 FROM dispense_jobs WHERE transaction_id = $1', [txId])).rows).toEqual([]);
  });
});
