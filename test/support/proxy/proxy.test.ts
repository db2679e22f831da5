import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestProxy } from './proxy';
import { pattern } from './testing/counting-server';
import { call, json, startProxyFixture, type ProxyFixture } from './testing/proxy-fixture';

let f: ProxyFixture;
beforeEach(async () => {
  f = await startProxyFixture();
});
afterEach(async () => {
  await f.stop();
});

function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** The text a raw socket received once `n` response heads have arrived and `done` holds. */
function readUntil(s: Socket, done: (text: string) => boolean): Promise<string> {
  let text = '';
  return new Promise((resolve, reject) => {
    s.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (done(text)) resolve(text);
    });
    s.once('close', () => reject(new Error(`socket closed after ${JSON.stringify(text.slice(0, 200))}`)));
  });
}

describe('test proxy without faults', () => {
  it('carries several requests over one keep-alive connection to one target connection', async () => {
    const replies = [];
    for (const path of ['/a', '/b', '/c']) replies.push(json(await call(f.client, 'POST', path, `body of ${path}`)));
    expect(replies.map((r) => [r.n, r.url])).toEqual([[1, '/a'], [2, '/b'], [3, '/c']]);
    expect(f.proxy.stats()).toMatchObject({ connections: 1, requests: 3, forwarded: 3, responses: 3, upstreamErrors: 0 });
    expect(f.target.connections()).toBe(1);
  });

  it('answers pipelined requests in the order they were sent', async () => {
    const s = await rawConnect(f.proxy.port);
    const text = readUntil(s, (t) => t.includes('"url":"/second"'));
    s.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nPOST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi');
    const got = await text;
    expect(got.indexOf('"url":"/first"')).toBeGreaterThan(0);
    expect(got.indexOf('"url":"/first"')).toBeLessThan(got.indexOf('"url":"/second","bodyBytes":2'));
    s.destroy();
  });

  it('relays a chunked response whole and unchanged', async () => {
    const reply = await call(f.client, 'GET', '/chunked');
    expect(reply.status).toBe(200);
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(reply.body.toString()).toBe('alpha-beta-gamma');
  });

  it('carries 1 MB bodies both ways byte for byte', async () => {
    const big = pattern(1024 * 1024);
    const echoed = await call(f.client, 'POST', '/echo', big);
    expect(echoed.body.equals(big)).toBe(true);
    const fetched = await call(f.client, 'GET', '/big?bytes=1048576');
    expect(fetched.body.equals(big)).toBe(true);
    expect(f.target.seen[0]?.bodyBytes).toBe(big.length);
  });

  it('lets a long-poll through untouched when only other paths have faults', async () => {
    f.proxy.setFaults({ rules: [{ match: 'POST /v1/sync', fault: { kind: 'respond_5xx' } }] });
    const started = performance.now();
    const reply = await call(f.client, 'GET', '/hold?ms=400');
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(json(reply)).toMatchObject({ held: true, url: '/hold?ms=400' });
    expect(f.proxy.stats().paths['GET /hold']).toEqual({ requests: 1, faults: {} });
  });

  it('ends every client and target socket on close, even mid long-poll and blackholed', async () => {
    f.proxy.setFaults({ rules: [{ match: '/hole', fault: { kind: 'blackhole' } }] });
    const idle = await rawConnect(f.proxy.port);
    const idleDone = readUntil(idle, (t) => t.includes('"url":"/warm"'));
    idle.write('GET /warm HTTP/1.1\r\nHost: x\r\n\r\n');
    await idleDone;
    const hole = await rawConnect(f.proxy.port);
    hole.write('GET /hole HTTP/1.1\r\nHost: x\r\n\r\n');
    const poll = call(f.client, 'GET', '/hold?ms=20000');
    await vi.waitFor(() => expect(f.target.openConnections()).toBeGreaterThanOrEqual(1));
    await vi.waitFor(() => expect(f.proxy.stats().requests).toBe(3));
    const closedSockets = [idle, hole].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
    const pollFailed = expect(poll).rejects.toThrow();
    await f.proxy.close();
    await Promise.all(closedSockets);
    await pollFailed;
    await vi.waitFor(() => expect(f.target.openConnections()).toBe(0));
  });

  it('refuses to forward to a host that is not loopback', async () => {
    await expect(startTestProxy({ target: 'http://10.0.0.1:80' })).rejects.toThrow(/loopback/);
    expect(() => f.proxy.setTarget('http://192.168.1.2:8080')).toThrow(/loopback/);
  });
});
