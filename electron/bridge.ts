import type { KioskBridge, KioskCommandName } from '../contract/kiosk-api';

/**
 * The object the sandboxed preload exposes as `window.kioskBridge` (contract/kiosk-api.ts KioskBridge).
 * Rules (Electron security checklist 20, "do not expose Electron APIs to untrusted content"):
 * - it has exactly two functions, `call` and `onState`, and nothing else;
 * - the renderer never receives the IpcRendererEvent (its `sender` would hand out ipcRenderer);
 * - the main process, not this object, decides which methods exist (electron/kiosk-call.ts).
 * Types only from contract: the preload bundle imports no zod and no Node module.
 */
export interface IpcRendererPort {
  invoke(channel: string, body: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export const BRIDGE_CALL_CHANNEL = 'kiosk:call';
export const BRIDGE_STATE_CHANNEL = 'kiosk:state';

export function createKioskBridge(ipc: IpcRendererPort): KioskBridge {
  const bridge: KioskBridge = {
    call(method: KioskCommandName, params: unknown): Promise<unknown> {
      return ipc.invoke(BRIDGE_CALL_CHANNEL, { method: String(method), params });
    },
    onState(listener: (state: unknown) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('kioskBridge.onState needs a function');
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(BRIDGE_STATE_CHANNEL, wrapped);
      return () => {
        ipc.removeListener(BRIDGE_STATE_CHANNEL, wrapped);
      };
    },
  };
  return Object.freeze(bridge);
}
