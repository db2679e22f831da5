import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_APP_ID, startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { SIM_PORTAL_API_KEY } from '../../../sim/worldid/portal-payments';
import { judgePayment } from './confirm-payment';
import { fetchPortalTransaction, PaymentPortalUnavailableError, portalTransactionUrl } from './portal-transaction-client';

const TO = '0x' + 'cd'.repeat(20);

/** Drives the client against the fake portal over real HTTP. */
describe('fetchPortalTransaction', () => {
  let portal: FakePortal;
  beforeEach(async () => {
    portal = await startFakePortal();
  });
  afterEach(() => portal.close());

  const cfg = () => ({ baseUrl: portal.url, appId: SIM_APP_ID, apiKey: SIM_PORTAL_API_KEY, retryDelayMs: 1 });

  it('asks for the payment with our app id and bearer key and returns the parsed transaction', async () => {
    const id = portal.payments.registerPayment({ reference: 'ref-1', to: TO, token: 'USDCE', token_amount: '1000000' });
    const lookup = await fetchPortalTransaction(cfg(), id);
    expect(lookup).toMatchObject({ found: true, transaction: { reference: 'ref-1', transaction_status: 'mined', to: TO, token_amount: '1000000' } });
    expect(portal.payments.calls()).toEqual([{ transactionId: id, appId: SIM_APP_ID, type: 'payment', authorized: true }]);
    if (lookup.found) {
      expect(judgePayment(lookup.transaction, { reference: 'ref-1', recipient: TO, token: 'USDC', tokenAmount: 1_000_000n })).toEqual({ verdict: 'confirmed' });
    }
  });

  it('sees a pending payment turn mined on a later lookup', async () => {
    const id = portal.payments.registerPayment({ reference: 'ref-2', to: TO, token: 'WLD', token_amount: '7', pendingChecks: 1 });
    expect(await fetchPortalTransaction(cfg(), id)).toMatchObject({ transaction: { transaction_status: 'pending' } });
    expect(await fetchPortalTransaction(cfg(), id)).toMatchObject({ transaction: { transaction_status: 'mined' } });
  });

  it('returns not_found for an unknown transaction id without retrying', async () => {
    expect(await fetchPortalTransaction(cfg(), '0xnothing')).toEqual({ found: false, code: 'not_found' });
    expect(portal.payments.calls()).toHaveLength(1);
  });

  it('escapes a hostile transaction id into a single path segment', () => {
    const url = new URL(portalTransactionUrl({ baseUrl: 'http://p/', appId: 'app_x' }, '../../verify/rp_1?x=1#y'));
    expect(url.pathname).toBe('/api/v2/minikit/transaction/..%2F..%2Fverify%2Frp_1%3Fx%3D1%23y');
    expect(url.searchParams.get('app_id')).toBe('app_x');
    expect(url.searchParams.get('type')).toBe('payment');
  });

  it('retries a 5xx twice, then throws PaymentPortalUnavailableError with code dependency_down', async () => {
    portal.payments.setMode('fail_5xx');
    const failing = fetchPortalTransaction(cfg(), '0x01');
    await expect(failing).rejects.toBeInstanceOf(PaymentPortalUnavailableError);
    await expect(failing).rejects.toMatchObject({ code: 'dependency_down' });
    expect(portal.payments.calls()).toHaveLength(3);
  });

  it('gives up on a portal that never answers after timeoutMs per try', async () => {
    portal.payments.setMode('timeout');
    await expect(fetchPortalTransaction({ ...cfg(), timeoutMs: 100, retries: 1 }, '0x01')).rejects.toMatchObject({ code: 'dependency_down' });
    expect(portal.payments.calls()).toHaveLength(2);
  });

  it('throws at once, without the key in the message, when the portal refuses our key or app id', async () => {
    const secret = 'api_c3VwZXItc2VjcmV0LWtleQ==';
    const wrongKey = fetchPortalTransaction({ ...cfg(), apiKey: secret }, '0x01');
    await expect(wrongKey).rejects.toMatchObject({ code: 'dependency_down', status: 403 });
    await expect(wrongKey).rejects.toSatisfy((e: Error) => !e.message.includes(secret) && !String(e.stack).includes(secret));
    await expect(fetchPortalTransaction({ ...cfg(), appId: 'app_other' }, '0x01')).rejects.toMatchObject({ status: 403 });
    await expect(fetchPortalTransaction({ ...cfg(), apiKey: '' }, '0x01')).rejects.toMatchObject({ status: 401 });
    expect(portal.payments.calls()).toHaveLength(3);
  });

  it('treats an unreachable portal as unavailable', async () => {
    const url = portal.url;
    await portal.close();
    await expect(fetchPortalTransaction({ ...cfg(), baseUrl: url }, '0x01')).rejects.toBeInstanceOf(PaymentPortalUnavailableError);
    portal = await startFakePortal();
  });
});
