import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ClientSession, type ProxyContext } from './client-session';
import { FaultSelector, type FaultPlan } from './fault-plan';
import { ProxyStats, type FaultProxyStats } from './proxy-stats';

/**
 * A TCP proxy on loopback that the kiosk talks to instead of the cloud, injecting network faults per
 * HTTP request (PRODUCT.md "Offline-first, precisely": a kiosk offline for a month loses nothing;
 * "going beyond": dropped and duplicated messages). With no plan it forwards bytes unchanged.
 */

export type { FaultPlan, FaultRule, Fault, FaultKind } from './fault-plan';
export type { FaultProxyStats, PathStats } from './proxy-stats';

export interface FaultProxy {
  /** 'http://127.0.0.1:PORT': give this to the kiosk as the cloud URL. */
  url: string;
  port: number;
  /** Replaces the plan (validated; throws a ZodError naming the bad field). */
  setFaults(plan: FaultPlan): void;
  clearFaults(): void;
  stats(): FaultProxyStats;
  /** Stops listening, ends pending delays and destroys every client and target socket. */
  close(): Promise<void>;
}

/** Traffic stays on this machine: the proxy only listens on and connects to loopback. */
const LoopbackHost = z.string().refine((h) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === 'localhost' || h === '::1', {
  message: 'the fault proxy only forwards to a loopback host (127.0.0.1)',
});

export const FaultProxyOptionsSchema = z.strictObject({
  target: z.strictObject({ host: LoopbackHost, port: z.number().int().min(1).max(65535) }),
  listenHost: z.literal('127.0.0.1').default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  seed: z.number().int().default(1),
  /** How long the target may read a partial body before reset_mid_request_body sends the RST. */
  resetHoldMs: z.number().int().min(0).max(5000).default(20),
});
export type FaultProxyOptions = z.input<typeof FaultProxyOptionsSchema> & { logger?: Logger };

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { logger, ...rest } = options;
  const opts = FaultProxyOptionsSchema.parse(rest);
  const sockets = new Set<Socket>();
  const abort = new AbortController();
  const selector = new FaultSelector(opts.seed);
  const stats = new ProxyStats();
  const ctx: ProxyContext = {
    target: opts.target,
    selector,
    stats,
    signal: abort.signal,
    logger,
    resetHoldMs: opts.resetHoldMs,
    track: (s) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    },
  };
  const server = createServer((socket) => accept(socket, ctx));
  const port = await listen(server, opts.port, opts.listenHost);
  return {
    url: `http://${opts.listenHost}:${port}`,
    port,
    setFaults: (plan) => selector.set(plan),
    clearFaults: () => selector.clear(),
    stats: () => stats.snapshot(),
    close: () => closeAll(server, sockets, abort),
  };
}

function accept(socket: Socket, ctx: ProxyContext): void {
  ctx.track(socket);
  ctx.stats.connection();
  socket.on('error', () => undefined);
  if (ctx.signal.aborted) return void socket.destroy();
  if (ctx.selector.pickForConnection()) {
    // Cloud down: the connection dies before the client can send anything.
    ctx.stats.refusedConnection();
    socket.resetAndDestroy();
    return;
  }
  new ClientSession(socket, ctx);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeAll(server: Server, sockets: Set<Socket>, abort: AbortController): Promise<void> {
  abort.abort();
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  const all = [...sockets];
  const closed = all.map((s) => (s.closed ? Promise.resolve() : new Promise<void>((resolve) => s.once('close', () => resolve()))));
  for (const s of all) s.destroy();
  await Promise.all([stopped, ...closed]);
}
