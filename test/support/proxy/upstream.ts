import type { IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import type { Answer, Exchange } from './actions';

/** Headers that belong to one connection, not to the message (RFC 9110 §7.6.1); framing is re-done per hop. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'content-length', 'host']);

export function endToEndHeaders(h: IncomingHttpHeaders | Answer['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(h)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/** The proxy's side of the target: an undici pool (keep-alive) and raw sockets for partial sends. */
export class Upstream {
  private readonly pool: Pool;

  constructor(
    readonly target: URL,
    private readonly track: (s: Socket) => void,
  ) {
    // The client's own timeouts decide; the proxy waits as long as a long-poll takes.
    this.pool = new Pool(target.origin, { headersTimeout: 0, bodyTimeout: 0 });
  }

  /** Sends the exchange and reads the whole answer. Rejects when the target cannot be reached or closes early. */
  async send(ex: Exchange, signal: AbortSignal): Promise<Answer> {
    const res = await this.pool.request({
      method: ex.method as Dispatcher.HttpMethod,
      path: ex.path,
      headers: endToEndHeaders(ex.headers),
      body: ex.body.length > 0 ? ex.body : undefined,
      signal,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, body, fromTarget: true };
  }

  /** Writes the head and `afterBytes` of the body (so the target reads a partial request), waits `holdMs`, then RSTs. */
  async sendPartThenReset(ex: Exchange, rawHeaders: readonly string[], afterBytes: number | undefined, holdMs: number): Promise<void> {
    const lines = [`${ex.method} ${ex.path} HTTP/1.1`];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toLowerCase();
      if (name !== 'content-length' && name !== 'transfer-encoding') lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
    }
    if (ex.body.length > 0) lines.push(`content-length: ${ex.body.length}`);
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    const cut =
      ex.body.length > 0
        ? head.length + Math.min(afterBytes ?? Math.floor(ex.body.length / 2), ex.body.length - 1)
        : Math.floor(head.length / 2);
    const socket = connect({ host: this.target.hostname, port: Number(this.target.port) });
    this.track(socket);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('close', () => reject(new Error(`cannot connect to ${this.target.host}`)));
    });
    await new Promise<void>((resolve) => socket.write(Buffer.concat([head, ex.body]).subarray(0, cut), () => resolve()));
    await sleep(holdMs);
    socket.resetAndDestroy();
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
