import { connect, type Socket } from 'node:net';
import { HttpMessageReader, wantsKeepAlive, type HttpMessage } from './http-parser';

export interface Target {
  host: string;
  port: number;
}

export class UpstreamError extends Error {
  readonly code = 'upstream_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`${message}; check that the target server behind the fault proxy is running`, options);
  }
}

interface Waiter {
  method: string;
  resolve: (m: HttpMessage) => void;
  reject: (e: Error) => void;
}

/**
 * One connection from the proxy to the target, carrying one request at a time. Interim 1xx
 * responses are skipped (RFC 9110 §15.2); the final response resolves `exchange`.
 */
export class UpstreamConnection {
  private readonly reader = new HttpMessageReader('response');
  private waiter: Waiter | null = null;
  private closed = false;
  private keepAlive = true;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined); // 'close' follows and settles any waiter
    socket.on('close', () => this.onClose());
  }

  /** Connects, calling `track` with the socket at once so the proxy can destroy it on close. */
  static connect(target: Target, track: (s: Socket) => void): Promise<UpstreamConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.host, port: target.port });
      track(socket);
      const fail = (e: Error): void => reject(new UpstreamError(`cannot connect to ${target.host}:${target.port}`, { cause: e }));
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.setNoDelay(true);
        resolve(new UpstreamConnection(socket));
      });
    });
  }

  /** Whether another request may be sent on this connection. */
  get reusable(): boolean {
    return !this.closed && this.keepAlive && this.waiter === null;
  }

  /** Writes a whole request and resolves with the target's final response. */
  exchange(raw: Buffer, method: string): Promise<HttpMessage> {
    if (this.closed) return Promise.reject(new UpstreamError('upstream connection already closed'));
    return new Promise((resolve, reject) => {
      this.waiter = { method, resolve, reject };
      this.socket.write(raw);
    });
  }

  /** Writes `bytes`, lets the target read them for `holdMs`, then aborts with a TCP RST. */
  async sendPartialThenReset(bytes: Buffer, holdMs: number): Promise<void> {
    await new Promise<void>((resolve) => this.socket.write(bytes, () => resolve()));
    await new Promise((r) => setTimeout(r, holdMs));
    this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.reader.push(chunk);
    const w = this.waiter;
    if (!w) return;
    try {
      for (let round = 0; round < 16; round++) {
        const msg = this.reader.next(w.method);
        if (!msg) return;
        if (msg.head.status >= 100 && msg.head.status < 200) continue;
        this.settle(msg);
        return;
      }
      throw new UpstreamError('target sent more than 16 interim responses');
    } catch (e) {
      this.waiter = null;
      w.reject(e instanceof UpstreamError ? e : new UpstreamError('target sent a malformed response', { cause: e }));
      this.socket.destroy();
    }
  }

  private onClose(): void {
    this.closed = true;
    const w = this.waiter;
    if (!w) return;
    this.waiter = null;
    let msg: HttpMessage | null = null;
    try {
      msg = this.reader.finish(w.method);
    } catch (e) {
      w.reject(new UpstreamError('target sent a malformed response', { cause: e }));
      return;
    }
    if (msg) {
      this.keepAlive = false;
      w.resolve(msg);
    } else {
      w.reject(new UpstreamError('target closed the connection before a whole response'));
    }
  }

  private settle(msg: HttpMessage): void {
    const w = this.waiter;
    this.waiter = null;
    if (!wantsKeepAlive(msg.head)) this.keepAlive = false;
    w?.resolve(msg);
  }
}
