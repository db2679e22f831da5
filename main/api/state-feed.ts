import type { KioskState } from '../../contract/kiosk-api';

/**
 * KioskApi.onState (contract/kiosk-api.ts): a listener hears the state when it subscribes and after
 * every change; a state equal to the last one sent is not sent again.
 */
export interface StateFeed {
  /** Something the state is made of changed: send the state if it differs from the last one sent. */
  publish(): void;
  subscribe(listener: (state: KioskState) => void): () => void;
}

export function createStateFeed(read: () => KioskState): StateFeed {
  const listeners = new Set<(s: KioskState) => void>();
  let lastSent = '';
  return {
    publish() {
      const s = read();
      const text = JSON.stringify(s);
      if (text === lastSent) return;
      lastSent = text;
      for (const l of listeners) l(s);
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(read());
      return () => void listeners.delete(listener);
    },
  };
}
