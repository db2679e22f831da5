import { execFile } from 'node:child_process';

/**
 * systemd readiness and watchdog (sd_notify(3); build/roluatm.service has Type=notify,
 * NotifyAccess=all, WatchdogSec=). Node cannot write a unix datagram, so the `systemd-notify`
 * tool sends the message; NotifyAccess=all lets systemd accept it from our child process.
 * Outside systemd (no NOTIFY_SOCKET) every call is a no-op.
 */
export type Env = Record<string, string | undefined>;

/**
 * Half the WatchdogSec systemd asked for (sd_watchdog_enabled(3)), or null when there is none.
 * WATCHDOG_PID is not compared: the AppImage runtime may be the PID systemd started, and our
 * READY message names the Electron main process as MAINPID.
 */
export function watchdogIntervalMs(env: Env): number | null {
  const usec = env['WATCHDOG_USEC'];
  if (usec === undefined || !/^\d{1,15}$/.test(usec)) return null;
  const ms = Math.floor(Number(usec) / 2000);
  return ms > 0 ? ms : null;
}

export interface Notifier {
  ready(): void;
  watchdog(): void;
  stopping(): void;
}

export function createNotifier(env: Env, pid: number, onError: (cause: unknown) => void): Notifier {
  if (env['NOTIFY_SOCKET'] === undefined || env['NOTIFY_SOCKET'] === '') {
    return { ready: () => undefined, watchdog: () => undefined, stopping: () => undefined };
  }
  const send = (...fields: string[]) => {
    execFile('systemd-notify', [`--pid=${pid}`, ...fields], { timeout: 5_000 }, (error) => {
      if (error) onError(error);
    });
  };
  return {
    ready: () => send('--ready', `MAINPID=${pid}`),
    watchdog: () => send('WATCHDOG=1'),
    stopping: () => send('STOPPING=1'),
  };
}
