import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { KioskApi, KioskState } from '../../contract/kiosk-api';
import type { KioskClient, KioskSnapshot } from './kiosk-client';

const KioskClientContext = createContext<KioskClient | null>(null);

export function KioskProvider({ client, children }: { client: KioskClient; children: ReactNode }) {
  return <KioskClientContext.Provider value={client}>{children}</KioskClientContext.Provider>;
}

function useClient(): KioskClient {
  const client = useContext(KioskClientContext);
  if (!client) throw new Error('useKioskApi/useKioskState need a <KioskProvider> above them');
  return client;
}

/** Connection status and the latest valid state; re-renders on every change. */
export function useKioskSnapshot(): KioskSnapshot {
  const client = useClient();
  return useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
}

/** The latest valid KioskState, or null while connecting or before the core has sent one. */
export function useKioskState(): KioskState | null {
  const snapshot = useKioskSnapshot();
  return snapshot.status === 'open' ? snapshot.state : null;
}

/** The typed KioskApi; its calls never throw, they resolve to a Result. */
export function useKioskApi(): KioskApi {
  return useClient().api;
}
