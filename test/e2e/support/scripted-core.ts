import pino from 'pino';
import { resolve } from 'node:path';
import type { KioskState } from '../../../contract/kiosk-api';
import { err, ok } from '../../../contract/result';
import { refusingAdminHandlers } from '../../../main/admin/admin-handlers-type';
import { createKioskApi } from '../../../main/api/kiosk-api-impl';
import { startUiServer } from '../../../main/api/ws-server';

/**
 * The real UI server (loopback WebSocket + static dist-renderer) in front of a core whose state the
 * test sets. Only for screens the real system passes through too fast to look at (registering,
 * verifying, waiting for payment); every path is also walked against the real system.
 */
export interface ScriptedCore {
  url: string;
  /** The commands the page called, in order (e.g. 'cancel', 'dismiss'). */
  calls: string[];
  show(state: KioskState): void;
  close(): Promise<void>;
}

export async function startScriptedCore(initial: KioskState, staticDir = resolve('dist-renderer')): Promise<ScriptedCore> {
  let state = initial;
  const calls: string[] = [];
  const listeners = new Set<(s: KioskState) => void>();
  const api = createKioskApi({
    log: pino({ level: 'silent' }),
    handlers: {
      getState: () => ok(state),
      startCashOut: () => (calls.push('startCashOut'), ok({ transaction_id: 'scripted' })),
      startCollect: () => (calls.push('startCollect'), ok({ transaction_id: 'scripted-claim' })),
      cancel: () => (calls.push('cancel'), ok({})),
      // Like the core (main/kiosk/step-deadline.ts): +60 s on the scan or pay countdown while taps are left.
      extendSession: () => {
        calls.push('extendSession');
        const f = state.flow;
        if ((f.screen !== 'scan' && f.screen !== 'waiting_payment') || f.extensions_left === 0) return err('no_more_time', 'no more time');
        const expires_at = new Date(Date.parse(f.expires_at) + 60_000).toISOString();
        show({ ...state, flow: { ...f, expires_at, extensions_left: f.extensions_left - 1 } });
        return ok({ expires_at });
      },
      dismiss: () => (calls.push('dismiss'), ok({})),
      ...refusingAdminHandlers(),
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
  });
  const show = (next: KioskState) => {
    state = next;
    for (const l of listeners) l(next);
  };
  const server = await startUiServer({ api, host: '127.0.0.1', port: 0, staticDir, log: pino({ level: 'silent' }) });
  return {
    url: server.url,
    calls,
    show,
    close: () => server.close(),
  };
}
