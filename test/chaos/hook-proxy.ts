import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy on loopback between the kiosk and the cloud that lets the chaos runner act at a
 * named moment of the kiosk's conversation with the cloud: when a request has arrived (before the
 * cloud sees it) and when the cloud's answer has arrived (after the cloud committed, before the
 * kiosk sees it). A hook may answer 'drop': the connection is destroyed instead of forwarded, so
 * the kiosk never learns what happened (the runner usually SIGKILLs the kiosk at that moment).
 * Bodies are buffered whole (the cloud limits them to 64 KiB); long-polls pass through unchanged.
 */
export interface HookRequest {
  method: string;
  /** Path with query, as the kiosk sent it. */
  path: string;
  body: string;
}
export interface HookResponse extends HookRequest {
  status: number;
  responseBody: string;
}
export interface ProxyHooks {
  request?: (r: HookRequest) => 'drop' | void | Promise<'drop' | void>;
  response?: (r: HookResponse) => 'drop' | void | Promise<'drop' | void>;
}

export interface HookProxy {
  url: string;
  hooks: ProxyHooks;
  close(): Promise<void>;
}

export async function startHookProxy(target: { host: string; port: number }): Promise<HookProxy> {
  const sockets = new Set<Socket>();
  const proxy: HookProxy = { url: '', hooks: {}, close: () => closeServer(server, sockets) };
  const server: Server = createServer((req, res) => void relay(req, res, target, proxy.hooks).catch(() => res.destroy()));
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

async function relay(req: IncomingMessage, res: ServerResponse, target: { host: string; port: number }, hooks: ProxyHooks): Promise<void> {
  const body = await readAll(req);
  const base = { method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8') };
  if ((await hooks.request?.(base)) === 'drop') return void res.destroy();
  const upstream = await forward(req, body, target, res);
  if (!upstream) return;
  const responseBody = await readAll(upstream);
  if ((await hooks.response?.({ ...base, status: upstream.statusCode ?? 0, responseBody: responseBody.toString('utf8') })) === 'drop') {
    return void res.destroy();
  }
  if (res.destroyed) return;
  const headers = { ...upstream.headers };
  delete headers['transfer-encoding'];
  headers['content-length'] = String(responseBody.length);
  res.writeHead(upstream.statusCode ?? 502, headers);
  res.end(responseBody);
}

/** Sends the request on; resolves null (and answers 502 or nothing) when the cloud cannot be reached. */
function forward(req: IncomingMessage, body: Buffer, target: { host: string; port: number }, res: ServerResponse): Promise<IncomingMessage | null> {
  return new Promise((resolve) => {
    const up = httpRequest({ host: target.host, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, connection: 'close' } }, resolve);
    // The kiosk gave up (its own timeout, or it was killed): stop waiting for the cloud too.
    res.once('close', () => up.destroy());
    up.once('error', () => {
      if (!res.headersSent && !res.destroyed) res.destroy();
      resolve(null);
    });
    up.end(body);
  });
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('aborted', () => reject(new Error('aborted')));
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}
