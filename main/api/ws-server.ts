import { createServer, type IncomingMessage } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { KIOSK_API_WS_PATH, WireCallSchema, type KioskApi, type WireServerMessage } from '../../contract/kiosk-api';
import type { Result } from '../../contract/result';
import { serveStatic } from './static-files';

/**
 * Browser mode (ARCHITECTURE.md "Processes"): serves the built renderer and carries KioskApi over
 * a loopback WebSocket. Only a page that holds this start's random token, from this server's own
 * origin, may connect: bad token → close 4401, foreign origin → close 4403. Only the contract's
 * commands are accepted (WireCallSchema); state is pushed on every change.
 */
export const CLOSE_BAD_TOKEN = 4401;
export const CLOSE_BAD_ORIGIN = 4403;
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface UiServerOptions {
  api: KioskApi;
  host: string;
  port: number;
  staticDir?: string;
  log: Logger;
  /**
   * The page token. Default: a new random one each start. A supervisor that restarts the kiosk
   * (scripts/system.ts) passes the same one (UI_TOKEN) so an open screen reconnects by itself.
   */
  token?: string;
}

export function tokensEqual(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startUiServer(opts: UiServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const staticDir = opts.staticDir ?? 'dist-renderer';
  const server = createServer((req, res) => void serveStatic(staticDir, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let origin = '';

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== KIOSK_API_WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!tokensEqual(url.searchParams.get('token'), token)) return ws.close(CLOSE_BAD_TOKEN, 'bad token');
      if (req.headers.origin !== origin) return ws.close(CLOSE_BAD_ORIGIN, 'foreign origin');
      attach(ws, req, opts);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  origin = `http://${hostPart}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function attach(ws: WebSocket, _req: IncomingMessage, opts: UiServerOptions): void {
  const send = (m: WireServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const unsubscribe = opts.api.onState((state) => send({ type: 'state', state }));
  ws.on('close', unsubscribe);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'text only');
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      return ws.close(1007, 'not JSON');
    }
    const call = WireCallSchema.safeParse(json);
    if (!call.success) {
      const id = (json as { id?: unknown })?.id;
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) {
        send({ type: 'result', id, result: { ok: false, error: { code: 'unknown_method', message: 'not a KioskApi call' } } });
      }
      return;
    }
    const { id, method, params } = call.data;
    // The API checks params with the contract's schemas; here only the method name is trusted.
    const fn = opts.api[method] as (p: unknown) => Promise<Result<unknown>>;
    void fn(params)
      .then((result) => send({ type: 'result', id, result }))
      .catch((e: unknown) => {
        opts.log.error({ err: e, method }, 'kiosk api call threw');
        send({ type: 'result', id, result: { ok: false, error: { code: 'internal', message: 'the kiosk could not do that' } } });
      });
  });
}
