import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { startBridge, type Bridge } from './bridge';

const body = { iv: 'aXY=', payload: 'cGF5bG9hZA==' };
const reply = { iv: 'aXYy', payload: 'cmVwbHk=' };

async function call(bridge: Bridge, method: string, path: string, json?: unknown) {
  const res = await fetch(`${bridge.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : null, headers: res.headers };
}

async function create(bridge: Bridge): Promise<string> {
  const res = await call(bridge, 'POST', '/request', body);
  expect(res.status).toBe(200);
  return String(res.json?.request_id);
}

describe('bridge simulator', () => {
  let bridge: Bridge;
  afterEach(() => bridge.close());

  it('hands the request to the phone once, then answers 404', async () => {
    bridge = await startBridge();
    const id = await create(bridge);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call(bridge, 'GET', `/request/${id}`)).json).toEqual(body);
    expect((await call(bridge, 'GET', `/request/${id}`)).status).toBe(404);
    expect(bridge.requests()).toBe(1);
  });

  it('reports initialized, then retrieved, then completed exactly once, then 404', async () => {
    bridge = await startBridge();
    const id = await create(bridge);
    expect((await call(bridge, 'GET', `/response/${id}`)).json).toEqual({ status: 'initialized', response: null });
    await call(bridge, 'GET', `/request/${id}`);
    expect((await call(bridge, 'GET', `/response/${id}`)).json).toEqual({ status: 'retrieved', response: null });
    expect((await call(bridge, 'PUT', `/response/${id}`, reply)).status).toBe(201);
    expect((await call(bridge, 'GET', `/response/${id}`)).json).toEqual({ status: 'completed', response: reply });
    expect((await call(bridge, 'GET', `/response/${id}`)).status).toBe(404);
  });

  it('refuses an answer to an unknown id with 400 and a second answer with 409', async () => {
    bridge = await startBridge();
    expect((await call(bridge, 'PUT', '/response/0000000000000000-unknown', reply)).status).toBe(400);
    const id = await create(bridge);
    expect((await call(bridge, 'PUT', `/response/${id}`, reply)).status).toBe(201);
    expect((await call(bridge, 'PUT', `/response/${id}`, reply)).status).toBe(409);
  });

  it('forgets everything 900 seconds after the request was created', async () => {
    const clock = new ManualClock();
    bridge = await startBridge({ clock });
    const id = await create(bridge);
    clock.advance(899_999);
    expect((await call(bridge, 'GET', `/response/${id}`)).status).toBe(200);
    clock.advance(1);
    expect((await call(bridge, 'GET', `/response/${id}`)).status).toBe(404);
    expect((await call(bridge, 'GET', `/request/${id}`)).status).toBe(404);
    expect((await call(bridge, 'PUT', `/response/${id}`, reply)).status).toBe(400);
  });

  it('refuses ids shorter than 16 or longer than 256 characters', async () => {
    bridge = await startBridge();
    expect((await call(bridge, 'GET', '/response/short')).status).toBe(400);
    expect((await call(bridge, 'GET', `/request/${'a'.repeat(257)}`)).status).toBe(400);
    expect((await call(bridge, 'GET', `/request/${'a'.repeat(16)}`)).status).toBe(404);
  });

  it('refuses bodies that are not {iv, payload}', async () => {
    bridge = await startBridge();
    expect((await call(bridge, 'POST', '/request', { iv: 'x' })).status).toBe(400);
    expect((await call(bridge, 'POST', '/request', 'not an object')).status).toBe(400);
  });

  it('refuses a body over 5 MiB with 413', async () => {
    bridge = await startBridge();
    const huge = { iv: 'aXY=', payload: 'A'.repeat(5 * 1024 * 1024 + 1) };
    const res = await call(bridge, 'POST', '/request', huge).catch((e: unknown) => ({ status: -1, error: e }));
    expect(res.status).toBe(413);
    expect(bridge.requests()).toBe(0);
  });

  it('answers CORS preflights and marks every answer as open to any origin', async () => {
    bridge = await startBridge();
    const pre = await fetch(`${bridge.url}/request`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const res = await call(bridge, 'POST', '/request', body);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
