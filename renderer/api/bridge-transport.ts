import type { KioskBridge, KioskCommandName } from '../../contract/kiosk-api';
import { TransportError, type ConnectionStatus, type KioskTransport } from './transport';

/** True when `value` has the shape the Electron preload exposes (contract KioskBridge). */
export function isKioskBridge(value: unknown): value is KioskBridge {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.call === 'function' && typeof v.onState === 'function';
}

/**
 * KioskApi over Electron IPC via the preload's `window.kioskBridge`. IPC does not drop while the
 * window lives, so the status is always 'open'. `call` resolves with the raw Result; a reply wrapped
 * as a wire `{type:'result', result}` message is unwrapped too, so either preload shape works.
 */
export class BridgeTransport implements KioskTransport {
  private readonly unsubscribers = new Set<() => void>();

  constructor(private readonly bridge: KioskBridge) {}

  async call(method: KioskCommandName, params: unknown): Promise<unknown> {
    let reply: unknown;
    try {
      reply = await this.bridge.call(method, params);
    } catch (cause) {
      throw new TransportError('kiosk_disconnected', 'The kiosk core did not take the call; try again.', { cause });
    }
    if (typeof reply === 'object' && reply !== null && (reply as { type?: unknown }).type === 'result') {
      return (reply as { result?: unknown }).result;
    }
    return reply;
  }

  onState(listener: (state: unknown) => void): () => void {
    const off = this.bridge.onState(listener);
    this.unsubscribers.add(off);
    return () => {
      this.unsubscribers.delete(off);
      off();
    };
  }

  onStatus(_listener: (status: ConnectionStatus) => void): () => void {
    return () => undefined;
  }

  status(): ConnectionStatus {
    return 'open';
  }

  close(): void {
    for (const off of this.unsubscribers) off();
    this.unsubscribers.clear();
  }
}
