import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import type { KioskApi, KioskState } from '../contract/kiosk-api';
import type { Result } from '../contract/result';
import type { Logger } from '../main/log';
import { dispatchKioskCall, KIOSK_CALL_CHANNEL, KIOSK_STATE_CHANNEL } from './kiosk-call';
import { isTrustedSender } from './security';

/**
 * One IPC channel, 'kiosk:call' (invoke), checked twice before the core sees it:
 * the sender must be the kiosk window's main frame showing our page (security.ts), and the body
 * must be a contract command with valid params (kiosk-call.ts). State goes out on 'kiosk:state'.
 */
export function registerKioskIpc(deps: {
  ipcMain: IpcMain;
  api: KioskApi;
  window: BrowserWindow;
  appIndexUrl: string;
  log: Logger;
}): () => void {
  const { ipcMain, api, window, appIndexUrl, log } = deps;
  const expected = { webContentsId: window.webContents.id, appIndexUrl };

  ipcMain.handle(KIOSK_CALL_CHANNEL, async (event: IpcMainInvokeEvent, body: unknown): Promise<Result<unknown>> => {
    const frame = event.senderFrame;
    const sender = {
      frameUrl: frame?.url ?? null,
      webContentsId: event.sender.id,
      isMainFrame: frame !== null && frame === event.sender.mainFrame,
    };
    if (!isTrustedSender(sender, expected)) {
      log.warn({ code: 'ipc_untrusted_sender', webContentsId: sender.webContentsId }, 'refused a kiosk call from an untrusted sender');
      return { ok: false, error: { code: 'forbidden', message: 'This page may not call the kiosk.' } };
    }
    return dispatchKioskCall(api, body, (cause, method) => log.error({ err: cause, method, code: 'internal' }, 'kiosk core threw'));
  });

  let last: KioskState | null = null;
  const push = () => {
    if (last !== null && !window.isDestroyed() && !window.webContents.isDestroyed()) {
      window.webContents.send(KIOSK_STATE_CHANNEL, last);
    }
  };
  const unsubscribe = api.onState((state) => {
    last = state;
    push();
  });
  // A reloaded renderer (crash recovery) gets the current state at once.
  window.webContents.on('did-finish-load', push);

  return () => {
    unsubscribe();
    ipcMain.removeHandler(KIOSK_CALL_CHANNEL);
    if (!window.webContents.isDestroyed()) window.webContents.removeListener('did-finish-load', push);
  };
}
