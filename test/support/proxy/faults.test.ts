import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBodySchema } from '../../../contract/http';
import { call, json, startProxyFixture, type ProxyFixture } from './testing/proxy-fixture';

let f: ProxyFixture;
async function setup(opts: { headersTimeout?: number } = {}): Promise<ProxyFixture> {
  f = await startProxyFixture(opts);
  return f;
}
afterEach(async () => {
  await f.stop();
});

const BODY = JSON.stringify({ events: Array.from({ length: 200 }, (_, seq) => ({ seq, kind: 'dispense_result' })) });

describe('fault proxy faults', () => {
  it('refuse: resets new connections so nothing reaches the target, until cleared', async () => {
    const { proxy, client, target } = await setup();
    proxy.setFaults({ rules: [{ fault: { kind: 'refuse' } }] });
    await expect(call(client, 'POST', '/v1/sync', BODY)).rejects.toThrow();
    expect(target.connections()).toBe(0);
    expect(proxy.stats().faults.refuse).toBeGreaterThanOrEqual(1);
    proxy.clearFaults();
    expect((await call(client, 'POST', '/v1/sync', BODY)).status).toBe(200);
    expect(target.count('POST', '/v1/sync')).toBe(1);
  });

  it('refuse: also resets an open keep-alive connection at its next matching request', async () => {
    const { proxy, client, target } = await setup();
    expect((await call(client, 'GET', '/healthz')).status).toBe(200);
    proxy.setFaults({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'refuse' } }] });
    await expect(call(client, 'POST', '/v1/sync', BODY)).rejects.toThrow();
    expect(target.count('POST', '/v1/sync')).toBe(0);
    expect(proxy.stats().paths['POST /v1/sync']?.faults).toEqual({ refuse: 1 });
  });

  it('drop_connection: closes the client before anything is forwarded', async () => {
    const { proxy, client, target } = await setup();
    proxy.setFaults({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'drop_connection' }, times: 1 }] });
    await expect(call(client, 'POST', '/v1/sync', BODY)).rejects.toThrow();
    expect(target.seen).toHaveLength(0);
    expect((await call(client, 'POST', '/v1/sync', BODY)).status).toBe(200);
    expect(target.count('POST', '/v1/sync')).toBe(1);
  });

  it('delay_ms on the request: the target sees it only after the delay', async () => {
    const { proxy, client, target } = await setup();
    proxy.setFaults({ rules: [{ fault: { kind: 'delay_ms', ms: 300 } }] });
    const started = performance.now();
    const reply = call(client, 'POST', '/v1/sync', BODY);
    await vi.waitFor(() => expect(target.seen).toHaveLength(1), { timeout: 5000, interval: 5 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect((await reply).status).toBe(200);
  });

  it('delay_ms on the response: the target has answered long before the client hears', async () => {
    const { proxy, client, target } = await setup();
    proxy.setFaults({ rules: [{ fault: { kind: 'delay_ms', ms: 300, phase: 'response' } }] });
    const reply = call(client, 'POST', '/v1/sync', BODY);
    await vi.waitFor(() => expect(target.seen).toHaveLength(1), { timeout: 5000, interval: 5 });
    const answeredAt = performance.now();
    expect((await reply).status).toBe(200);
    expect(performance.now() - answeredAt).toBeGreaterThanOrEqual(250);
  });

  it('reset_mid_request_body: the target gets part of the body then a reset, the client an error', async () => {
    const { proxy, client, target } = await setup();
    proxy.setFaults({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'reset_mid_request_body', afterBytes: 1000 } }] });
    await expect(call(client, 'POST', '/v1/sync', BODY)).rejects.toThrow();
    await vi.waitFor(() => expect(target.aborted).toHaveLength(1));
    expect(target.aborted[0]).toMatchObject({ method: 'POST', url: '/v1/sync', bytesReceived: 1000 });
    expect(target.seen).toHaveLength(0);
  });

  it('lose_response: the target commits the request, the client gets only an error', async () => {
    const { proxy, client, target } = await setup();
    proxy.setFaults({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'lose_response' }, times: 1 }] });
    await expect(call(client, 'POST', '/v1/sync', BODY)).rejects.toThrow();
    expect(target.count('POST', '/v1/sync')).toBe(1);
    expect(proxy.stats()).toMatchObject({ forwarded: 1, responses: 0 });
    expect(json(await call(client, 'POST', '/v1/sync', BODY)).n).toBe(2);
  });

  it.each(['after', 'concurrent'] as const)('duplicate_request (%s): the target sees it twice, the client gets one response', async (order) => {
    const { proxy, client, target } = await setup();
    proxy.setFaults({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'duplicate_request', order }, times: 1 }] });
    const reply = await call(client, 'POST', '/v1/sync', BODY);
    expect(target.count('POST', '/v1/sync')).toBe(2);
    expect(new Set(target.seen.map((r) => r.bodySha256)).size).toBe(1);
    expect([1, 2]).toContain(json(reply).n);
    // The next answer on the same keep-alive connection is the next request's, not the copy's.
    expect(json(await call(client, 'GET', '/after'))).toMatchObject({ n: 3, url: '/after' });
    expect(proxy.stats()).toMatchObject({ requests: 2, forwarded: 3, responses: 2 });
  });

  it('respond_5xx: answers 503 with the cloud error shape, forwards nothing, keeps the connection', async () => {
    const { proxy, client, target } = await setup();
    proxy.setFaults({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'respond_5xx' }, times: 2 }] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await call(client, 'POST', '/v1/sync', BODY));
    expect(statuses.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(ErrorBodySchema.parse(json(statuses[0]!)).error.code).toBe('dependency_down');
    expect(target.count('POST', '/v1/sync')).toBe(1);
    expect(proxy.stats()).toMatchObject({ connections: 1, faults: { respond_5xx: 2 } });
  });

  it('blackhole: accepts and never answers, so the client times out', async () => {
    const { proxy, client, target } = await setup({ headersTimeout: 300 });
    proxy.setFaults({ rules: [{ fault: { kind: 'blackhole' } }] });
    await expect(call(client, 'POST', '/v1/sync', BODY)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(target.connections()).toBe(0);
    expect(proxy.stats().faults.blackhole).toBe(1);
  });

  it('applies a rule only to its method and path and counts per path', async () => {
    const { proxy, client } = await setup();
    proxy.setFaults({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'respond_5xx', status: 502 } }] });
    expect((await call(client, 'GET', '/v1/sync')).status).toBe(200);
    expect((await call(client, 'POST', '/v1/sync?x=1', BODY)).status).toBe(502);
    expect((await call(client, 'POST', '/v1/transactions', BODY)).status).toBe(200);
    expect(proxy.stats().paths).toEqual({
      'GET /v1/sync': { requests: 1, faults: {} },
      'POST /v1/sync': { requests: 1, faults: { respond_5xx: 1 } },
      'POST /v1/transactions': { requests: 1, faults: {} },
    });
  });
});
