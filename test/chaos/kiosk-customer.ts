import WebSocket from 'ws';
import { KIOSK_API_WS_PATH, WireServerMessageSchema, type KioskCommandName, type KioskState } from '../../contract/kiosk-api';

/**
 * A customer at the kiosk screen without a browser: the same WebSocket and wire messages the
 * renderer uses in browser mode (main/api/ws-server.ts), with the page's token and origin.
 * Every message is validated with the contract's schema.
 */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

export class KioskCustomer {
  state: KioskState | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (r: CallResult) => void>();
  private readonly watchers = new Set<() => void>();
  private closed = false;
  /** Messages from the kiosk that did not match the contract's schema. */
  readonly contractErrors: string[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const parsed = WireServerMessageSchema.safeParse(JSON.parse(String(data)));
      if (!parsed.success) {
        // The kiosk broke its own contract: say so loudly, never wait on it in silence.
        this.contractErrors.push(`${parsed.error.message.slice(0, 500)} in ${String(data).slice(0, 500)}`);
        for (const w of this.watchers) w();
        return;
      }
      const msg = parsed.data;
      if (msg.type === 'state') {
        this.state = msg.state;
        for (const w of this.watchers) w();
      } else {
        this.pending.get(msg.id)?.(msg.result as CallResult);
        this.pending.delete(msg.id);
      }
    });
    ws.on('close', () => {
      this.closed = true;
      for (const [, done] of this.pending) done({ ok: false, error: { code: 'disconnected', message: 'the kiosk went away' } });
      this.pending.clear();
      for (const w of this.watchers) w();
    });
    ws.on('error', () => undefined);
  }

  /** Connects to the kiosk page URL (`http://127.0.0.1:PORT/?token=…`) and waits for the first state. */
  static async connect(kioskUrl: string, timeoutMs = 10_000): Promise<KioskCustomer> {
    const page = new URL(kioskUrl);
    const ws = new WebSocket(`ws://${page.host}${KIOSK_API_WS_PATH}?token=${page.searchParams.get('token') ?? ''}`, { origin: page.origin });
    // Listen before 'open': the kiosk pushes its state in the same packet as the handshake.
    const customer = new KioskCustomer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await customer.waitFor(() => true, 'the first state', timeoutMs);
    return customer;
  }

  get connected(): boolean {
    return !this.closed;
  }

  call(method: KioskCommandName, params: unknown = {}): Promise<CallResult> {
    if (this.closed) return Promise.resolve({ ok: false, error: { code: 'disconnected', message: 'the kiosk went away' } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ type: 'call', id, method, params }));
    });
  }

  /** Resolves with the first state (current or later) that satisfies `pred`; rejects on timeout or disconnect. */
  waitFor(pred: (s: KioskState) => boolean, what: string, timeoutMs: number): Promise<KioskState> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.state && pred(this.state)) return finish(null, this.state);
        if (this.closed) return finish(new Error(`disconnected while waiting for ${what}`));
        if (this.contractErrors.length > 0) return finish(new Error(`the kiosk sent a message outside the contract: ${this.contractErrors[0]}`));
      };
      const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (screen: ${this.state?.flow.screen ?? 'none'})`)), timeoutMs);
      const finish = (e: Error | null, s?: KioskState) => {
        clearTimeout(timer);
        this.watchers.delete(check);
        if (e) reject(e);
        else resolve(s!);
      };
      this.watchers.add(check);
      check();
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
