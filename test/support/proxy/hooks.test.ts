import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Exchange } from './actions';
import { call, json, startProxyFixture, type ProxyFixture } from './testing/proxy-fixture';

let f: ProxyFixture;
beforeEach(async () => {
  f = await startProxyFixture({ headersTimeout: 2000 });
});
afterEach(async () => {
  await f.stop();
});

describe('test proxy hooks', () => {
  it('calls request, forward, answer and reply in that order with the request and the target answer', async () => {
    const seen: string[] = [];
    f.proxy.hooks = {
      request: (ex) => void seen.push(`request ${ex.method} ${ex.path} ${ex.text} target:${f.target.seen.length}`),
      forward: (ex) => void seen.push(`forward ${ex.id} target:${f.target.seen.length}`),
      answer: (_ex, a) => void seen.push(`answer ${a.status} n=${JSON.parse(a.body.toString()).n} fromTarget=${a.fromTarget}`),
      reply: (_ex, a) => void seen.push(`reply ${a.status}`),
    };
    await call(f.client, 'POST', '/v1/sync?x=1', 'hello');
    expect(seen).toEqual(['request POST /v1/sync?x=1 hello target:0', 'forward 1 target:0', 'answer 200 n=1 fromTarget=true', 'reply 200']);
  });

  it('request "respond" answers without the target; the answer moment is skipped, the reply moment is not', async () => {
    const moments: string[] = [];
    f.proxy.hooks = {
      request: () => ({ kind: 'respond', status: 409, headers: { 'content-type': 'application/json' }, body: '{"made":"up"}' }),
      answer: () => void moments.push('answer'),
      reply: (_ex, a) => void moments.push(`reply ${a.status} fromTarget=${a.fromTarget}`),
    };
    const reply = await call(f.client, 'POST', '/v1/sync', 'x');
    expect([reply.status, json(reply)]).toEqual([409, { made: 'up' }]);
    expect(moments).toEqual(['reply 409 fromTarget=false']);
    expect(f.target.seen).toHaveLength(0);
  });

  it('request "drop" closes the client before the target sees anything; the fault plan is not consulted', async () => {
    f.proxy.hooks = { request: (ex) => (ex.path === '/kill' ? { kind: 'drop' } : undefined) };
    f.proxy.setFaults({ rules: [{ fault: { kind: 'respond_5xx' } }] });
    await expect(call(f.client, 'POST', '/kill', 'x')).rejects.toThrow();
    expect(f.target.seen).toHaveLength(0);
    expect(f.proxy.stats().faults.respond_5xx).toBe(0);
  });

  it('answer "drop" after the target committed: the target saw it once, the client only an error', async () => {
    f.proxy.hooks = { answer: (ex) => (ex.path === '/commit' ? { kind: 'drop' } : undefined) };
    await expect(call(f.client, 'POST', '/commit', 'x')).rejects.toThrow();
    expect(f.target.count('POST', '/commit')).toBe(1);
    expect(f.proxy.stats()).toMatchObject({ forwarded: 1, responses: 0 });
  });

  it('answer "respond" replaces the target answer', async () => {
    f.proxy.hooks = { answer: (_ex, a) => ({ kind: 'respond', status: 202, body: `was ${a.status}` }) };
    const reply = await call(f.client, 'GET', '/x');
    expect([reply.status, reply.body.toString()]).toEqual([202, 'was 200']);
  });

  it('"hold" keeps a request from the target until released, then forwards it', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held: Exchange[] = [];
    f.proxy.hooks = { forward: (ex) => (held.push(ex), { kind: 'hold', until: released }) };
    const reply = call(f.client, 'POST', '/held', 'x');
    await vi.waitFor(() => expect(held).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 100));
    expect(f.target.seen).toHaveLength(0);
    release();
    expect(json(await reply)).toMatchObject({ n: 1, url: '/held' });
  });

  it('"hold" without a release lasts until the exchange is disconnected', async () => {
    f.proxy.hooks = { request: (ex) => (ex.path.startsWith('/stall') ? { kind: 'hold' } : undefined) };
    const stalled = call(f.client, 'GET', '/stall/a');
    await vi.waitFor(() => expect(f.proxy.stats().requests).toBe(1));
    // Another connection (fetch's own pool) is not touched.
    const other = await fetch(`${f.proxy.url}/fine`);
    f.proxy.disconnect((ex) => ex.path.startsWith('/stall/'));
    await expect(stalled).rejects.toThrow();
    expect(other.status).toBe(200);
    expect(f.target.seen.map((r) => r.url)).toEqual(['/fine']);
  });

  it('a list of actions applies in order: delay, then respond', async () => {
    f.proxy.hooks = { reply: () => [{ kind: 'delay', ms: 200 }, { kind: 'respond', status: 503, body: 'late' }] };
    const started = performance.now();
    const reply = await call(f.client, 'GET', '/x');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect([reply.status, reply.body.toString()]).toEqual([503, 'late']);
  });

  it('reply "trickle" sends the body in pieces; the client gets it whole', async () => {
    f.proxy.hooks = { reply: () => ({ kind: 'trickle', pieces: 4, gapMs: 60 }) };
    const started = performance.now();
    const reply = await call(f.client, 'GET', '/big?bytes=4000');
    expect(performance.now() - started).toBeGreaterThanOrEqual(170); // three gaps between four pieces
    expect(reply.body.length).toBe(4000);
  });

  it('reply "cut" announces the whole body, sends part of it and closes', async () => {
    f.proxy.hooks = { reply: () => ({ kind: 'cut', afterBytes: 100 }) };
    await expect(call(f.client, 'GET', '/big?bytes=4000')).rejects.toThrow();
    expect(f.proxy.stats().responses).toBe(0);
  });

  it('"reset" aborts the client connection with an RST', async () => {
    f.proxy.hooks = { request: () => ({ kind: 'reset' }) };
    await expect(call(f.client, 'GET', '/x')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
  });

  it('setTarget points a proxy started without a target at one', async () => {
    const { startTestProxy } = await import('./proxy');
    const late = await startTestProxy({});
    try {
      await expect(fetch(`${late.url}/x`)).rejects.toThrow();
      late.setTarget(`http://127.0.0.1:${f.target.port}`);
      expect((await fetch(`${late.url}/y`)).status).toBe(200);
    } finally {
      await late.close();
    }
  });
});
