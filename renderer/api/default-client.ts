import { isKioskBridge, BridgeTransport } from './bridge-transport';
import { createKioskClient, type KioskClient } from './kiosk-client';
import { browserSocketFactory, WsTransport } from './ws-transport';
import { kioskWsUrl } from './ws-url';

/**
 * The client for this page: Electron IPC when the preload exposed `window.kioskBridge`, else the
 * loopback WebSocket of browser mode. Contract problems go to the console (the renderer has no
 * pino); they are dropped, never shown as state.
 */
export function createDefaultKioskClient(win: Window = window): KioskClient {
  const onProtocolError = (problem: string) => console.warn(`[kiosk-api] ${problem}`);
  const bridge: unknown = (win as Window & { kioskBridge?: unknown }).kioskBridge;
  if (isKioskBridge(bridge)) return createKioskClient(new BridgeTransport(bridge), { onProtocolError });
  const transport = new WsTransport({ url: kioskWsUrl(win.location), createSocket: browserSocketFactory, onProtocolError });
  const client = createKioskClient(transport, { onProtocolError });
  transport.start();
  return client;
}
