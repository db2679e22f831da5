import { Client } from 'undici';
import { startTestProxy, type TestProxy } from '../proxy';
import { startCountingServer, type CountingServer } from './counting-server';

/** A counting target, the test proxy in front of it, and an undici keep-alive client (as the kiosk uses). */
export interface ProxyFixture {
  target: CountingServer;
  proxy: TestProxy;
  client: Client;
  stop(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export async function startProxyFixture(opts: { seed?: number; headersTimeout?: number } = {}): Promise<ProxyFixture> {
  const target = await startCountingServer();
  const proxy = await startTestProxy({ target: `http://${target.host}:${target.port}`, seed: opts.seed });
  const client = new Client(proxy.url, { headersTimeout: opts.headersTimeout ?? 10_000, bodyTimeout: 10_000 });
  return {
    target,
    proxy,
    client,
    stop: async () => {
      await client.destroy();
      await proxy.close();
      await target.close();
    },
  };
}

export async function call(client: Client, method: 'GET' | 'POST', path: string, body?: Buffer | string): Promise<Reply> {
  const res = await client.request({ method, path, body, headers: body === undefined ? {} : { 'content-type': 'application/octet-stream' } });
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

export function json(reply: Reply): Record<string, unknown> {
  return JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
}
