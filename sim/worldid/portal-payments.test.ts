import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_APP_ID, startFakePortal, type FakePortal } from './portal';
import { SIM_PORTAL_API_KEY, simulatePay } from './portal-payments';

const TO = '0x' + 'ab'.repeat(20);

async function lookup(portal: FakePortal, id: string, opts: { key?: string | null; appId?: string | null } = {}) {
  const q = new URLSearchParams({ type: 'payment' });
  const appId = opts.appId === undefined ? SIM_APP_ID : opts.appId;
  if (appId !== null) q.set('app_id', appId);
  const key = opts.key === undefined ? SIM_PORTAL_API_KEY : opts.key;
  const headers: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
  const res = await fetch(`${portal.url}/api/v2/minikit/transaction/${encodeURIComponent(id)}?${q.toString()}`, { headers });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('fake Developer Portal transaction API', () => {
  let portal: FakePortal;
  beforeEach(async () => {
    portal = await startFakePortal();
  });
  afterEach(() => portal.close());

  it('answers a registered payment in the real API shape and follows its status from pending to mined', async () => {
    const id = portal.payments.registerPayment({ reference: 'ref-1', to: TO, token: 'USDCE', token_amount: '1000000', status: 'pending' });
    const first = await lookup(portal, id);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ reference: 'ref-1', transaction_status: 'pending', to: TO, token: 'USDCE', token_amount: '1000000', app_id: SIM_APP_ID, chain: 'worldchain' });
    expect(first.json.transaction_hash).toMatch(/^0x[0-9a-f]{64}$/);
    portal.payments.setStatus(id, 'mined');
    expect((await lookup(portal, id)).json.transaction_status).toBe('mined');
    portal.payments.setStatus(id, 'failed');
    expect((await lookup(portal, id)).json.transaction_status).toBe('failed');
  });

  it('answers pending for the first pendingChecks lookups, then the real status', async () => {
    const id = portal.payments.registerPayment({ reference: 'ref-2', to: TO, token: 'WLD', token_amount: '1', status: 'mined', pendingChecks: 2 });
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await lookup(portal, id)).json.transaction_status);
    expect(seen).toEqual(['pending', 'pending', 'mined']);
  });

  it('requires the bearer API key and our app id, like the real route', async () => {
    const id = portal.payments.registerPayment({ reference: 'ref-3', to: TO, token: 'WLD', token_amount: '1' });
    expect(await lookup(portal, id, { key: null })).toMatchObject({ status: 401, json: { code: 'unauthorized' } });
    expect(await lookup(portal, id, { key: 'api_wrong' })).toMatchObject({ status: 403, json: { code: 'invalid_api_key' } });
    expect(await lookup(portal, id, { appId: null })).toMatchObject({ status: 400, json: { code: 'invalid_request' } });
    expect(await lookup(portal, id, { appId: 'app_other' })).toMatchObject({ status: 403, json: { code: 'invalid_app' } });
    expect(portal.payments.calls().map((c) => c.authorized)).toEqual([false, false, true, true]);
  });

  it('answers 404 for an id it has never seen', async () => {
    expect(await lookup(portal, '0xdeadbeef')).toMatchObject({ status: 404, json: { code: 'not_found' } });
  });

  it('fails with 503 in fail_5xx mode and never answers in timeout mode', async () => {
    const id = portal.payments.registerPayment({ reference: 'ref-4', to: TO, token: 'WLD', token_amount: '1' });
    portal.payments.setMode('fail_5xx');
    expect((await lookup(portal, id)).status).toBe(503);
    portal.payments.setMode('timeout');
    const url = `${portal.url}/api/v2/minikit/transaction/${id}?app_id=${SIM_APP_ID}&type=payment`;
    const outcome = await fetch(url, { headers: { authorization: `Bearer ${SIM_PORTAL_API_KEY}` }, signal: AbortSignal.timeout(200) }).then(
      () => 'answered',
      (e: unknown) => (e as Error).name,
    );
    expect(outcome).toBe('TimeoutError');
    portal.payments.setMode('ok');
    expect((await lookup(portal, id)).status).toBe(200);
  });

  it('refuses to register the same transaction id twice or a malformed payment', () => {
    portal.payments.registerPayment({ transactionId: 'tx-a', reference: 'r', to: TO, token: 'WLD', token_amount: '1' });
    expect(() => portal.payments.registerPayment({ transactionId: 'tx-a', reference: 'r', to: TO, token: 'WLD', token_amount: '1' })).toThrow(/already/);
    expect(() => portal.payments.registerPayment({ reference: 'x'.repeat(37), to: TO, token: 'WLD', token_amount: '1' })).toThrow();
    expect(() => portal.payments.registerPayment({ reference: 'r', to: TO, token: 'WLD', token_amount: '1.5' })).toThrow();
    expect(() => portal.payments.setStatus('tx-unknown', 'mined')).toThrow(/register/);
  });

  it('lets simulatePay register a payment over HTTP or directly, each under a fresh transaction id', async () => {
    const overHttp = await simulatePay({ portalUrl: portal.url }, { reference: 'ref-5', to: TO, token: 'USDCE', amount: 2_500_000n });
    const direct = await simulatePay({ payments: portal.payments }, { reference: 'ref-6', to: TO, token: 'USDCE', amount: '2500000', status: 'failed' });
    expect(overHttp).not.toBe(direct);
    expect((await lookup(portal, overHttp)).json).toMatchObject({ reference: 'ref-5', token_amount: '2500000', transaction_status: 'mined' });
    expect((await lookup(portal, direct)).json).toMatchObject({ reference: 'ref-6', transaction_status: 'failed' });
  });

  it('answers the sim registration route with open CORS and refuses a bad body', async () => {
    const pre = await fetch(`${portal.url}/sim/payments`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const bad = await fetch(`${portal.url}/sim/payments`, { method: 'POST', body: '{"reference":1}' });
    expect(bad.status).toBe(400);
    await expect(simulatePay({ portalUrl: portal.url }, { reference: '', to: TO, token: 'WLD', amount: '1' })).rejects.toThrow(/refused/);
  });

  it('still verifies World ID proofs on the same portal (the verify route is untouched)', async () => {
    const res = await fetch(`${portal.url}/api/v4/verify/rp_1`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
  });
});
