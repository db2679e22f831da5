import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ErrorCodes } from '../../contract/http';
import type { Fault, FaultSelector } from './fault-plan';
import { bodyFraming, HttpMessageReader, parseHead, wantsKeepAlive, type HttpMessage } from './http-parser';
import type { ProxyStats } from './proxy-stats';
import { UpstreamConnection, type Target } from './upstream';

/** What every session shares with the proxy that owns it. */
export interface ProxyContext {
  target: Target;
  selector: FaultSelector;
  stats: ProxyStats;
  /** Aborted by `close()`: pending delays end and no new upstream connection is opened. */
  signal: AbortSignal;
  /** Registers a socket so `close()` can destroy it. */
  track(socket: Socket): void;
  logger: Logger | undefined;
  /** How long the target may read a partial body before the RST (reset_mid_request_body). */
  resetHoldMs: number;
}

/**
 * One client connection. Requests are handled one at a time in arrival order (HTTP/1.1 answers in
 * order, RFC 9112 §9.3.2), each forwarded as its exact bytes over one upstream keep-alive connection.
 */
export class ClientSession {
  private readonly reader = new HttpMessageReader('request');
  private upstream: UpstreamConnection | null = null;
  private busy = false;
  private stopped = false;

  constructor(
    private readonly client: Socket,
    private readonly ctx: ProxyContext,
  ) {
    client.setNoDelay(true);
    client.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      void this.pump();
    });
    client.on('error', () => undefined); // 'close' follows
    client.on('close', () => {
      this.stopped = true;
      this.upstream?.destroy();
    });
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // Each round consumes one whole request from the buffer, so the loop ends with the buffer.
      while (!this.stopped) {
        const req = this.reader.next();
        if (!req) break;
        await this.handle(req);
      }
    } catch (e) {
      if (isUpstreamFailure(e) && !this.client.destroyed) this.ctx.stats.upstreamError();
      this.ctx.logger?.debug({ err: e }, 'fault proxy: dropping client connection');
      this.stopped = true;
      this.client.destroy();
    } finally {
      this.busy = false;
    }
  }

  private async handle(req: HttpMessage): Promise<void> {
    const { method, target } = req.head;
    const fault = this.ctx.selector.pickForRequest(method, target);
    this.ctx.stats.request(method, target, fault?.kind);
    if (fault) this.ctx.logger?.debug({ method, target, fault }, 'fault proxy: injecting fault');
    if (!fault) return this.relay(req, await this.forward(req));
    return this.inject(req, fault);
  }

  private async inject(req: HttpMessage, fault: Fault): Promise<void> {
    switch (fault.kind) {
      case 'refuse':
        return this.stop(() => this.client.resetAndDestroy());
      case 'drop_connection':
        return this.stop(() => this.client.destroy());
      case 'blackhole':
        // Keep the socket open and read nothing more; only the client's timeout or close() ends it.
        return this.stop(() => this.client.pause());
      case 'respond_5xx':
        return this.relay(req, injectedError(fault.status));
      case 'delay_ms': {
        if (fault.phase === 'request') await sleep(fault.ms, undefined, { signal: this.ctx.signal });
        const res = await this.forward(req);
        if (fault.phase === 'response') await sleep(fault.ms, undefined, { signal: this.ctx.signal });
        return this.relay(req, res);
      }
      case 'reset_mid_request_body':
        return this.resetMidBody(req, fault.afterBytes);
      case 'lose_response':
        await this.forward(req);
        return this.stop(() => this.client.destroy());
      case 'duplicate_request':
        return this.relay(req, await this.duplicate(req, fault.order));
    }
  }

  private stop(action: () => void): void {
    this.stopped = true;
    action();
  }

  private async connectUpstream(): Promise<UpstreamConnection> {
    if (this.ctx.signal.aborted) throw new Error('fault proxy is closing');
    return UpstreamConnection.connect(this.ctx.target, (s) => this.ctx.track(s));
  }

  private async forward(req: HttpMessage): Promise<HttpMessage> {
    if (!this.upstream?.reusable) {
      this.upstream?.destroy();
      this.upstream = await this.connectUpstream();
    }
    const res = await this.upstream.exchange(req.raw, req.head.method);
    this.ctx.stats.forwarded();
    return res;
  }

  private async duplicate(req: HttpMessage, order: 'after' | 'concurrent'): Promise<HttpMessage> {
    const second = async (): Promise<void> => {
      const up = await this.connectUpstream();
      try {
        await up.exchange(req.raw, req.head.method);
        this.ctx.stats.forwarded();
      } finally {
        up.destroy();
      }
    };
    // A failed second copy is an upstream error, but the client still gets the first answer.
    const settleSecond = (): Promise<void> => second().catch(() => this.ctx.stats.upstreamError());
    if (order === 'concurrent') return (await Promise.all([this.forward(req), settleSecond()]))[0];
    const first = await this.forward(req);
    await settleSecond();
    return first;
  }

  /** At least one body byte (or, without a body, half the head) never reaches the target. */
  private async resetMidBody(req: HttpMessage, afterBytes: number | undefined): Promise<void> {
    const bodyLength = req.raw.length - req.headLength;
    const cut =
      bodyLength > 0
        ? req.headLength + Math.min(afterBytes ?? Math.floor(bodyLength / 2), bodyLength - 1)
        : Math.floor(req.headLength / 2);
    this.stopped = true;
    const up = await this.connectUpstream();
    await up.sendPartialThenReset(req.raw.subarray(0, cut), this.ctx.resetHoldMs);
    this.client.resetAndDestroy();
  }

  private relay(req: HttpMessage, res: HttpMessage): void {
    if (this.client.destroyed) return;
    this.client.write(res.raw);
    this.ctx.stats.response();
    const closes = !wantsKeepAlive(req.head) || !wantsKeepAlive(res.head) || bodyFraming(res.head, req.head.method).type === 'close';
    if (closes) this.stop(() => this.client.end());
  }
}

function isUpstreamFailure(e: unknown): boolean {
  return e instanceof Error && 'code' in e && e.code === 'upstream_failed';
}

/** The cloud's error shape (contract/http.ts ErrorBody), so the kiosk treats it like a real 5xx. */
function injectedError(status: number): HttpMessage {
  const body = JSON.stringify({ error: { code: ErrorCodes.dependencyDown, message: `fault proxy: injected ${status}; retry later` } });
  const headText = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Server Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const headLength = Buffer.byteLength(headText);
  const raw = Buffer.from(headText + body, 'latin1');
  return { head: parseHead('response', raw.subarray(0, headLength - 4)), raw, headLength };
}
