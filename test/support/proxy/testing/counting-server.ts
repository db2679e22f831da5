import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request the target read in full. */
export interface SeenRequest {
  method: string;
  url: string;
  bodyBytes: number;
  bodySha256: string;
}

/** A request whose connection died before its body was complete. */
export interface AbortedRequest {
  method: string;
  url: string;
  bytesReceived: number;
}

export interface CountingServer {
  host: '127.0.0.1';
  port: number;
  seen: SeenRequest[];
  aborted: AbortedRequest[];
  /** TCP connections the server accepted. */
  connections(): number;
  /** TCP connections still open. */
  openConnections(): number;
  /** Requests to `path` (query ignored) the server read in full. */
  count(method: string, path: string): number;
  close(): Promise<void>;
}

/**
 * A tiny HTTP target for proxy tests. Routes:
 *  - `GET /hold?ms=N`  answers after N ms (a long-poll);
 *  - `GET /chunked`    answers in several chunks (transfer-encoding: chunked);
 *  - `GET /big?bytes=N` answers N bytes of a known pattern;
 *  - `POST /echo`      answers with the request body itself;
 *  - anything else     answers JSON `{n, method, url, bodyBytes, bodySha256}`.
 */
export async function startCountingServer(): Promise<CountingServer> {
  const seen: SeenRequest[] = [];
  const aborted: AbortedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((req, res) => void handle(req, res, seen, aborted));
  server.on('connection', (s: Socket) => {
    connections += 1;
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    seen,
    aborted,
    connections: () => connections,
    openConnections: () => sockets.size,
    count: (method, path) => seen.filter((r) => r.method === method && r.url.split('?')[0] === path).length,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

export function pattern(bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = (i * 31 + 7) & 0xff;
  return buf;
}

async function handle(req: IncomingMessage, res: ServerResponse, seen: SeenRequest[], aborted: AbortedRequest[]): Promise<void> {
  const chunks: Buffer[] = [];
  let received = 0;
  const method = req.method ?? '';
  const url = req.url ?? '';
  req.on('error', () => undefined); // an aborted request is recorded below
  req.on('data', (c: Buffer) => {
    chunks.push(c);
    received += c.length;
  });
  const complete = await new Promise<boolean>((resolve) => {
    req.once('end', () => resolve(true));
    req.once('close', () => resolve(req.complete));
  });
  if (!complete) {
    aborted.push({ method, url, bytesReceived: received });
    return;
  }
  const body = Buffer.concat(chunks);
  const record = { method, url, bodyBytes: body.length, bodySha256: createHash('sha256').update(body).digest('hex') };
  seen.push(record);
  await respond(res, url, body, { n: seen.length, ...record });
}

async function respond(res: ServerResponse, url: string, body: Buffer, summary: object): Promise<void> {
  const u = new URL(url, 'http://target');
  if (u.pathname === '/hold') {
    await new Promise((r) => setTimeout(r, Number(u.searchParams.get('ms') ?? '0')));
    if (!res.destroyed) res.end(JSON.stringify({ held: true, ...summary }));
  } else if (u.pathname === '/chunked') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    for (const part of ['alpha-', 'beta-', 'gamma']) {
      res.write(part);
      await new Promise((r) => setImmediate(r));
    }
    res.end();
  } else if (u.pathname === '/big') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(pattern(Number(u.searchParams.get('bytes') ?? '0')));
  } else if (u.pathname === '/echo') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(body);
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(summary));
  }
}
