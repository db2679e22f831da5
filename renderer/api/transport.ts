import { CodedError } from '../../contract/coded-error';
import type { KioskCommandName } from '../../contract/kiosk-api';

/** 'open' when calls can be made and state is flowing; anything else shows the connecting screen. */
export type ConnectionStatus = 'connecting' | 'open' | 'closed';

/** Codes a transport fails a call with; each is shown to the customer as a plain sentence. */
export type TransportErrorCode = 'kiosk_disconnected' | 'kiosk_timeout';

export class TransportError extends CodedError<TransportErrorCode> {
  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'TransportError';
  }
}

/**
 * What carries KioskApi between renderer and core (Electron IPC or loopback WebSocket).
 * Rules every transport obeys:
 * - `call` resolves with the core's raw, unvalidated Result, or rejects with a TransportError;
 *   it never queues a call for later (a late "cash out" would surprise the customer).
 * - `onState` listeners get raw, unvalidated states; the client validates them.
 * - `onStatus` listeners get every status change; `close` stops for good (no reconnect).
 */
export interface KioskTransport {
  call(method: KioskCommandName, params: unknown): Promise<unknown>;
  onState(listener: (state: unknown) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  status(): ConnectionStatus;
  close(): void;
}

/** A tiny listener set shared by the transports and the client. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(value: T): void {
    for (const listener of [...this.set]) listener(value);
  }
}
