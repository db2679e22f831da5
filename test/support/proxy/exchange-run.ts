import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { answerOf, asList, type Answer, type Exchange, type ProxyHooks, type ReplyAction, type RequestAction } from './actions';
import type { ProxyStats } from './proxy-stats';
import { endToEndHeaders, type Upstream } from './upstream';

/** What one exchange needs from the proxy that owns it. */
export interface ExchangeContext {
  hooks(): ProxyHooks;
  /** The fault plan's hooks: inside the test's hooks (nearer the target). */
  plan: ProxyHooks;
  upstream(): Upstream | null;
  stats: ProxyStats;
  /** Aborted by the proxy's close(). */
  signal: AbortSignal;
  resetHoldMs: number;
  logger: Logger | undefined;
}

export interface Live {
  ex: Exchange;
  req: IncomingMessage;
}

/** Ends the exchange: the client connection is gone or a hook ended it. */
class Ended extends Error {}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Runs every exchange through the four moments (actions.ts) and keeps the ones in flight. */
export class Exchanges {
  private nextId = 1;
  private readonly inFlight = new Set<Live>();

  constructor(private readonly ctx: ExchangeContext) {}

  live(): Live[] {
    return [...this.inFlight];
  }

  async run(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gone = new AbortController();
    const onAbort = () => gone.abort();
    this.ctx.signal.addEventListener('abort', onAbort);
    res.once('close', onAbort); // the client went away (or the answer is written)
    let live: Live | undefined;
    try {
      const body = await readBody(req);
      const ex: Exchange = { id: this.nextId++, method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, text: body.toString('utf8') };
      live = { ex, req };
      this.inFlight.add(live);
      this.ctx.stats.request(ex.method, ex.path);
      await new Run(this.ctx, ex, req, res, gone.signal).go();
    } catch (e) {
      if (!(e instanceof Ended) && !gone.signal.aborted) {
        this.ctx.logger?.debug({ err: e }, 'test proxy: dropping client connection');
        req.socket.destroy();
      }
    } finally {
      if (live) this.inFlight.delete(live);
      this.ctx.signal.removeEventListener('abort', onAbort);
    }
  }
}

class Run {
  private duplicate: 'after' | 'concurrent' | null = null;

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly ex: Exchange,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly gone: AbortSignal,
  ) {}

  async go(): Promise<void> {
    const outer = this.ctx.hooks();
    const inner = this.ctx.plan;
    let answer: Answer | null = null;
    for (const stage of ['request', 'forward'] as const) {
      for (const layer of [outer, inner]) {
        if (answer) break;
        for (const action of asList(await layer[stage]?.(this.ex))) {
          answer = await this.onRequest(action);
          if (answer) break;
        }
      }
    }
    if (!answer) {
      answer = await this.forward();
      for (const layer of [inner, outer]) {
        for (const action of asList(await layer.answer?.(this.ex, answer))) answer = await this.onAnswer(action, answer);
      }
    }
    let delivery: ReplyAction | null = null;
    for (const layer of [inner, outer]) {
      for (const action of asList(await layer.reply?.(this.ex, answer))) {
        if (action.kind === 'trickle' || action.kind === 'cut') delivery = action;
        else answer = await this.onAnswer(action, answer);
      }
    }
    await this.deliver(answer, delivery);
  }

  /** Returns an answer when the action answered in place of the target. */
  private async onRequest(a: RequestAction): Promise<Answer | null> {
    switch (a.kind) {
      case 'respond':
        return answerOf(a);
      case 'duplicate':
        this.duplicate = a.order;
        return null;
      case 'reset_mid_body':
        await this.target().sendPartThenReset(this.ex, this.req.rawHeaders, a.afterBytes, this.ctx.resetHoldMs);
        return this.end('reset');
      default:
        await this.waitOrEnd(a);
        return null;
    }
  }

  private async onAnswer(a: Exclude<ReplyAction, { kind: 'trickle' | 'cut' }>, current: Answer): Promise<Answer> {
    if (a.kind === 'respond') return answerOf(a);
    await this.waitOrEnd(a);
    return current;
  }

  private async waitOrEnd(a: Exclude<RequestAction, { kind: 'respond' | 'duplicate' | 'reset_mid_body' }>): Promise<void> {
    if (a.kind === 'drop' || a.kind === 'reset') return this.end(a.kind);
    const waited = a.kind === 'delay' ? sleep(a.ms, undefined, { signal: this.gone }) : Promise.race([a.until ?? new Promise(() => undefined), aborted(this.gone)]);
    await waited.catch(() => undefined);
    if (this.gone.aborted) throw new Ended();
  }

  private end(how: 'drop' | 'reset'): never {
    if (how === 'reset') this.req.socket.resetAndDestroy();
    else this.req.socket.destroy();
    throw new Ended();
  }

  private target(): Upstream {
    const up = this.ctx.upstream();
    if (!up) throw new Error('the test proxy has no target yet: call setTarget(url)');
    return up;
  }

  private async forward(): Promise<Answer> {
    const once = async (signal: AbortSignal): Promise<Answer> => {
      try {
        const a = await this.target().send(this.ex, signal);
        this.ctx.stats.forwarded();
        return a;
      } catch (e) {
        if (!signal.aborted) this.ctx.stats.upstreamError();
        throw e;
      }
    };
    if (!this.duplicate) return once(this.gone);
    // The second copy is the network's, not the client's: it runs to its end even if the client leaves.
    const second = (): Promise<unknown> => once(this.ctx.signal).catch(() => undefined);
    if (this.duplicate === 'concurrent') return (await Promise.all([once(this.gone), second()]))[0];
    const first = await once(this.gone);
    await second();
    return first;
  }

  private async deliver(a: Answer, how: ReplyAction | null): Promise<void> {
    if (this.res.destroyed) return;
    const headers = endToEndHeaders(a.headers);
    const chunked = String(a.headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked');
    if (!chunked || how) headers['content-length'] = String(a.body.length);
    this.res.writeHead(a.status, headers);
    if (how?.kind === 'cut') {
      this.res.write(a.body.subarray(0, how.afterBytes), () => this.req.socket.destroy());
      return;
    }
    if (how?.kind === 'trickle') {
      const step = Math.max(1, Math.ceil(a.body.length / Math.max(1, how.pieces)));
      for (let at = 0; at < a.body.length; at += step) {
        if (at > 0) await sleep(how.gapMs, undefined, { signal: this.gone }).catch(() => undefined);
        if (this.gone.aborted) return;
        this.res.write(a.body.subarray(at, at + step));
      }
      if (this.gone.aborted) return;
    }
    this.res.end(how?.kind === 'trickle' ? undefined : a.body);
    this.ctx.stats.response();
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
      else chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => (req.complete ? undefined : reject(new Ended())));
  });
}
