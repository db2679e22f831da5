import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Exchange, ProxyHooks } from './actions';
import { Exchanges, type Live } from './exchange-run';
import { FaultSelector, type FaultPlan } from './fault-plan';
import { faultPlanHooks } from './fault-plan-hooks';
import { ProxyStats, type FaultProxyStats } from './proxy-stats';
import { Upstream } from './upstream';

/**
 * The tests' one HTTP proxy (node:http in front, undici behind), on loopback between a client
 * (usually the kiosk) and a target (usually the cloud). Two ways to act on traffic:
 *  - `hooks`: the test's own code at the four named moments (actions.ts), e.g. kill the kiosk
 *    when the cloud has answered, mutate a bridge reply, hold a request until released;
 *  - `setFaults(plan)`: seeded, rule-based network faults (fault-plan.ts), e.g. 10 % lost responses
 *    (PRODUCT.md "Offline-first, precisely": a kiosk offline for a month loses nothing;
 *    "going beyond": dropped and duplicated messages).
 * At the request and forward moments `hooks` act before the plan; at the answer and reply
 * moments after it, as if the test sat between the client and a faulty network.
 */

export type { FaultPlan, FaultRule, Fault, FaultKind } from './fault-plan';
export type { FaultProxyStats, PathStats } from './proxy-stats';
export type { Answer, Exchange, ProxyHooks } from './actions';

export interface TestProxy {
  /** 'http://127.0.0.1:PORT': give this to the client instead of the target's. */
  url: string;
  port: number;
  /** The test's hooks; assign fields at any time. */
  hooks: ProxyHooks;
  /** Points the proxy at a target (when it was not known at start). */
  setTarget(url: string): void;
  /** Replaces the fault plan (validated; throws a ZodError naming the bad field). */
  setFaults(plan: FaultPlan): void;
  clearFaults(): void;
  stats(): FaultProxyStats;
  /** Destroys the client connections of the exchanges in flight that `which` selects (default: every client connection, idle ones too). */
  disconnect(which?: (ex: Exchange) => boolean): void;
  /** Stops listening, ends waits and holds, destroys every client and target socket. */
  close(): Promise<void>;
}

/** Traffic stays on this machine: the proxy only listens on and connects to loopback. */
const LoopbackUrl = z.url().refine((u) => /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/.test(new URL(u).hostname), {
  message: 'the test proxy only forwards to a loopback host (127.0.0.1)',
});

export const TestProxyOptionsSchema = z.strictObject({
  target: LoopbackUrl.optional(),
  port: z.number().int().min(0).max(65535).default(0),
  seed: z.number().int().default(1),
  /** How long the target may read a partial body before reset_mid_body sends the RST. */
  resetHoldMs: z.number().int().min(0).max(5000).default(20),
});
export type TestProxyOptions = z.input<typeof TestProxyOptionsSchema> & { logger?: Logger };

export async function startTestProxy(options: TestProxyOptions): Promise<TestProxy> {
  const { logger, ...rest } = options;
  const opts = TestProxyOptionsSchema.parse(rest);
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const clients = new Set<Socket>();
  const abort = new AbortController();
  const selector = new FaultSelector(opts.seed);
  const stats = new ProxyStats();
  let upstream: Upstream | null = opts.target ? new Upstream(new URL(opts.target), track) : null;
  const hooks: { current: ProxyHooks } = { current: {} };
  const plan = faultPlanHooks(selector, stats);
  const exchanges = new Exchanges({
    hooks: () => hooks.current,
    plan,
    upstream: () => upstream,
    stats,
    signal: abort.signal,
    resetHoldMs: opts.resetHoldMs,
    logger,
  });

  const http = createHttpServer((req: IncomingMessage, res: ServerResponse) => void exchanges.run(req, res));
  http.requestTimeout = 0; // a held or slow request is a test's choice
  const tcp: Server = createTcpServer((socket) => {
    track(socket);
    stats.connection();
    socket.on('error', () => undefined);
    if (abort.signal.aborted) return void socket.destroy();
    if (selector.pickForConnection()) {
      // Target down: the connection dies before the client can send anything.
      stats.refusedConnection();
      return void socket.resetAndDestroy();
    }
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
    http.emit('connection', socket);
  });
  const port = await listen(tcp, opts.port);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get hooks() {
      return hooks.current;
    },
    set hooks(h: ProxyHooks) {
      hooks.current = h;
    },
    setTarget(url) {
      const next = new URL(LoopbackUrl.parse(url));
      if (upstream?.target.origin === next.origin) return;
      void upstream?.close();
      upstream = new Upstream(next, track);
    },
    setFaults: (p) => selector.set(p),
    clearFaults: () => selector.clear(),
    stats: () => stats.snapshot(),
    disconnect(which) {
      if (!which) for (const s of clients) s.destroy();
      else exchanges.live().filter((l: Live) => which(l.ex)).forEach((l) => l.req.socket.destroy());
    },
    async close() {
      abort.abort();
      const stopped = new Promise<void>((resolve) => tcp.close(() => resolve()));
      const all = [...sockets];
      const closed = all.map((s) => (s.closed ? Promise.resolve() : new Promise<void>((resolve) => s.once('close', () => resolve()))));
      for (const s of all) s.destroy();
      await Promise.all([stopped, ...closed, upstream?.close()]);
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
