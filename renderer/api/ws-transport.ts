import { WireServerMessageSchema, type KioskCommandName } from '../../contract/kiosk-api';
import { DEFAULT_BACKOFF, reconnectDelayMs, type BackoffPolicy } from './backoff';
import { Listeners, TransportError, type ConnectionStatus, type KioskTransport } from './transport';

/** Events a socket reports; the browser adapter maps WebSocket events onto these. */
export interface SocketEvents {
  onOpen(): void;
  onMessage(data: unknown): void;
  onClose(): void;
}
export interface SocketHandle {
  send(data: string): void;
  close(): void;
}
export type SocketFactory = (url: string, events: SocketEvents) => SocketHandle;

export interface WsTransportOptions {
  url: string;
  createSocket: SocketFactory;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** A call with no reply after this long fails with `kiosk_timeout`. */
  callTimeoutMs?: number;
  /** Told about every incoming message that fails the contract schemas (the message is dropped). */
  onProtocolError?: (problem: string) => void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: TransportError): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * KioskApi over the loopback WebSocket (browser mode, ARCHITECTURE.md): calls go out as
 * `{type:'call', id, method, params}`, replies come back as `{type:'result', id, result}`, the core
 * pushes `{type:'state', state}`. Every incoming message is checked with WireServerMessageSchema.
 * A closed socket fails its pending calls and reconnects with backoff until `close()`.
 */
export class WsTransport implements KioskTransport {
  private socket: SocketHandle | null = null;
  private current: ConnectionStatus = 'closed';
  private generation = 0;
  private attempt = 0;
  private nextId = 1;
  private stopped = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly stateListeners = new Listeners<unknown>();
  private readonly statusListeners = new Listeners<ConnectionStatus>();

  constructor(private readonly options: WsTransportOptions) {}

  /** Opens the first socket; later ones open by themselves after a close. */
  start(): void {
    if (!this.stopped && this.socket === null && this.reconnectTimer === null) this.connect();
  }

  call(method: KioskCommandName, params: unknown): Promise<unknown> {
    const socket = this.socket;
    if (this.current !== 'open' || socket === null) {
      return Promise.reject(new TransportError('kiosk_disconnected', 'The kiosk is not connected; wait for it to reconnect.'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TransportError('kiosk_timeout', `The kiosk did not answer "${method}" in time; try again.`));
      }, this.options.callTimeoutMs ?? 30_000);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ type: 'call', id, method, params }));
    });
  }

  onState(listener: (state: unknown) => void): () => void {
    return this.stateListeners.add(listener);
  }
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.statusListeners.add(listener);
  }
  status(): ConnectionStatus {
    return this.current;
  }

  close(): void {
    this.stopped = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.dropSocket();
  }

  private connect(): void {
    this.reconnectTimer = null;
    const generation = ++this.generation;
    const live = () => generation === this.generation && !this.stopped;
    this.setStatus('connecting');
    try {
      this.socket = this.options.createSocket(this.options.url, {
        onOpen: () => live() && this.handleOpen(),
        onMessage: (data) => live() && this.handleMessage(data),
        onClose: () => live() && this.handleClose(),
      });
    } catch (cause) {
      this.options.onProtocolError?.(`could not open the kiosk socket: ${String(cause)}`);
      this.handleClose();
    }
  }

  private handleOpen(): void {
    this.attempt = 0;
    this.setStatus('open');
  }

  private handleClose(): void {
    this.dropSocket();
    if (this.stopped) return;
    const delay = reconnectDelayMs(this.attempt++, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random ?? Math.random);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Forgets the socket (events from it are ignored from now on) and fails its pending calls. */
  private dropSocket(): void {
    this.generation++;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new TransportError('kiosk_disconnected', 'The connection to the kiosk closed before it answered; try again.'));
    }
    this.setStatus('closed');
  }

  private handleMessage(data: unknown): void {
    const report = (problem: string) => this.options.onProtocolError?.(problem);
    if (typeof data !== 'string') return report('ignored a non-text message');
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return report('ignored a message that is not JSON');
    }
    const parsed = WireServerMessageSchema.safeParse(json);
    if (!parsed.success) return report(`ignored a message that fails the contract: ${parsed.error.message}`);
    const message = parsed.data;
    if (message.type === 'state') return this.stateListeners.emit(message.state);
    const pending = this.pending.get(message.id);
    if (!pending) return report(`ignored a result for unknown call ${message.id}`);
    clearTimeout(pending.timer);
    this.pending.delete(message.id);
    pending.resolve(message.result);
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.current) return;
    this.current = status;
    this.statusListeners.emit(status);
  }
}

/** The browser's WebSocket mapped onto SocketEvents; an error is always followed by a close. */
export const browserSocketFactory: SocketFactory = (url, events) => {
  const ws = new WebSocket(url);
  ws.onopen = () => events.onOpen();
  ws.onmessage = (ev: MessageEvent) => events.onMessage(ev.data);
  ws.onclose = () => events.onClose();
  return { send: (data) => ws.send(data), close: () => ws.close() };
};
