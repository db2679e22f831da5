import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A mutating HTTP proxy in front of the bridge simulator (sim/worldid/bridge.ts, unchanged) for the
 * bridge-reply fuzzer (issue 8 "Fuzzing"). Every request is forwarded as is; the kiosk's polls
 * (`GET /response/:id`) of a request armed with a plan get the plan's reply instead of the bridge's.
 */
export interface BridgeReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What the proxy sends back for one poll. */
export type ProxyAction =
  | { kind: 'reply'; reply: BridgeReply; delayMs?: number; trickleMs?: number }
  /** Headers announce the full body, `sendBytes` of it are sent, then the socket is destroyed. */
  | { kind: 'cut'; reply: BridgeReply; sendBytes: number }
  | { kind: 'reset'; afterMs?: number }
  /** Never answers (the socket is dropped when the case is disarmed). */
  | { kind: 'stall' };

/** Decides each armed poll from the bridge's genuine reply; `poll` counts from 0. */
export type PollPlan = (genuine: BridgeReply, poll: number) => ProxyAction | Promise<ProxyAction>;

export interface MutatingProxy {
  url: string;
  arm(requestId: string, plan: PollPlan): void;
  /** Forgets the plan and drops every socket still held for this request (stalls, trickles). */
  disarm(requestId: string): void;
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function forward(bridgeUrl: string, req: IncomingMessage, body: Buffer): Promise<BridgeReply> {
  const init: RequestInit = { method: req.method ?? 'GET' };
  if (body.length > 0) {
    init.body = new Uint8Array(body);
    init.headers = { 'content-type': req.headers['content-type'] ?? 'application/json' };
  }
  const res = await fetch(`${bridgeUrl}${req.url ?? '/'}`, init);
  const headers: Record<string, string> = {};
  const type = res.headers.get('content-type');
  if (type) headers['content-type'] = type;
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
}

function writeReply(res: ServerResponse, r: BridgeReply): void {
  res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
  res.end(r.body);
}

async function perform(res: ServerResponse, action: ProxyAction, alive: () => boolean): Promise<void> {
  switch (action.kind) {
    case 'stall':
      return;
    case 'reset':
      if (action.afterMs) await sleep(action.afterMs);
      res.socket?.destroy();
      return;
    case 'cut':
      res.writeHead(action.reply.status, { ...action.reply.headers, 'content-length': String(action.reply.body.length) });
      res.write(action.reply.body.subarray(0, action.sendBytes), () => res.socket?.destroy());
      return;
    default: {
      if (action.delayMs) await sleep(action.delayMs);
      if (!alive()) return;
      if (!action.trickleMs) return writeReply(res, action.reply);
      // Headers at once, then the body in 8 pieces `trickleMs` apart.
      const { body } = action.reply;
      res.writeHead(action.reply.status, { ...action.reply.headers, 'content-length': String(body.length) });
      const step = Math.max(1, Math.ceil(body.length / 8));
      for (let at = 0; at < body.length && alive(); at += step) {
        res.write(body.subarray(at, at + step));
        await sleep(action.trickleMs);
      }
      if (alive()) res.end();
    }
  }
}

export async function startMutatingProxy(bridgeUrl: string): Promise<MutatingProxy> {
  const plans = new Map<string, { plan: PollPlan; polls: number; sockets: Set<Socket> }>();
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const genuine = await forward(bridgeUrl, req, body);
      const match = req.method === 'GET' ? /^\/response\/([^/?]+)/.exec(req.url ?? '') : null;
      const armed = match ? plans.get(decodeURIComponent(match[1] ?? '')) : undefined;
      if (!armed) return writeReply(res, genuine);
      armed.sockets.add(req.socket);
      const action = await armed.plan(genuine, armed.polls++);
      await perform(res, action, () => plans.get(decodeURIComponent(match?.[1] ?? '')) === armed && !res.destroyed);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arm(requestId, plan) {
      plans.set(requestId, { plan, polls: 0, sockets: new Set() });
    },
    disarm(requestId) {
      const armed = plans.get(requestId);
      plans.delete(requestId);
      for (const s of armed?.sockets ?? []) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
