import { app, BrowserWindow, ipcMain, Menu, powerSaveBlocker, session, type WebContents } from 'electron';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { systemClock } from '../contract/clock';
import type { KioskApi, KioskState } from '../contract/kiosk-api';
import { createLogger } from '../main/log';
import { readBuildInfo } from './build-info';
import { checkIndexHtmlCsp } from './csp';
import { registerKioskIpc } from './ipc';
import { createQuitCoordinator, ReloadBackoff } from './lifecycle';
import { createNotifier, watchdogIntervalMs } from './sd-notify';
import { devToolsEnabled, isAllowedNavigation, isPermissionAllowed, kioskWindowOptions } from './security';
import { startCore } from './start-core';
import { watchTrial } from './trial-monitor';
import { parseShellUpdateConfig, type ShellUpdateConfig } from './update-config';
import { trialVersion } from './update-slots';
import { startUpdater } from './updater';

// Thin Electron entry: window, security and lifecycle only. The kiosk core is the same one browser
// mode runs (main/); no kiosk logic lives here. Bundled to dist-electron/electron/main.js (ESM).
const here = dirname(fileURLToPath(import.meta.url));
const appRoot = join(here, '..', '..');
const indexPath = join(appRoot, 'dist-renderer', 'index.html');
const appIndexUrl = pathToFileURL(indexPath).href;
const log = createLogger('electron', process.env['LOG_LEVEL'] ?? 'info');
const notifier = createNotifier(process.env, process.pid, (err) => log.warn({ err, code: 'sd_notify_failed' }, 'systemd-notify failed'));

function lockDownWebContents(contents: WebContents): void {
  const refuse = (event: { preventDefault(): void }, url: string) => {
    if (isAllowedNavigation(url, appIndexUrl)) return;
    event.preventDefault();
    log.warn({ code: 'navigation_refused', url: url.slice(0, 200) }, 'refused a navigation');
  };
  contents.on('will-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((wc, permission, callback) => callback(isPermissionAllowed(permission, wc.getURL())));
  ses.setPermissionCheckHandler((_wc, permission, origin) => isPermissionAllowed(permission, origin));
  ses.setDevicePermissionHandler(() => false);
}

function checkCsp(): void {
  try {
    const problems = checkIndexHtmlCsp(readFileSync(indexPath, 'utf8'));
    if (problems.length > 0) log.error({ code: 'csp_weak', problems }, 'dist-renderer/index.html CSP is weaker than the kiosk needs; rebuild the renderer');
  } catch (err) {
    log.error({ err, code: 'renderer_missing' }, 'cannot read dist-renderer/index.html; reinstall the app');
  }
}

function loadPage(win: BrowserWindow): void {
  win.loadFile(indexPath).catch((err: unknown) => log.error({ err, code: 'page_load_failed' }, 'kiosk page did not load; reinstall the app if this repeats'));
}

function createKioskWindow(): BrowserWindow {
  const win = new BrowserWindow(kioskWindowOptions(join(here, 'preload.cjs'), { devTools: devToolsEnabled(process.env) }));
  const backoff = new ReloadBackoff(systemClock);
  let reloadTimer: NodeJS.Timeout | null = null;
  const recover = (reason: string) => {
    if (reloadTimer !== null || win.isDestroyed()) return;
    const delay = backoff.nextDelayMs();
    log.error({ code: 'renderer_failed', reason, delay_ms: delay, failures: backoff.consecutiveFailures }, 'renderer failed; reloading');
    reloadTimer = setTimeout(() => {
      reloadTimer = null;
      if (!win.isDestroyed()) loadPage(win);
    }, delay);
  };
  win.webContents.on('render-process-gone', (_e, details) => recover(`gone:${details.reason}`));
  win.on('unresponsive', () => {
    if (!win.isDestroyed()) win.webContents.forcefullyCrashRenderer();
    recover('unresponsive');
  });
  win.once('ready-to-show', () => win.show());
  return win;
}

async function boot(): Promise<void> {
  await app.whenReady();
  Menu.setApplicationMenu(null);
  lockDownSession();
  checkCsp();
  const updates = parseShellUpdateConfig(process.env);
  // The packed build id (electron/build-info.ts) reaches the core as ROLUATM_BUILD: admin screen.
  const buildInfo = readBuildInfo(join(here, '..', 'build-info.json'));
  const core = await startCore({ ...process.env, ROLUATM_BUILD: process.env['ROLUATM_BUILD'] ?? buildInfo?.build });
  const quit = createQuitCoordinator({
    stop: async () => {
      notifier.stopping();
      await core.stop();
    },
    exit: (code) => app.exit(code),
    onError: (err) => log.error({ err, code: 'stop_failed' }, 'core stop failed'),
  });
  app.on('before-quit', (event) => {
    if (quit.begin()) event.preventDefault();
  });
  process.on('SIGTERM', () => app.quit());
  process.on('SIGINT', () => app.quit());
  const win = createKioskWindow();
  let rendererLoaded = false;
  win.webContents.on('did-finish-load', () => (rendererLoaded = true));
  win.on('close', (event) => {
    if (!quit.stopping) event.preventDefault(); // Alt+F4 and the like: the kiosk window stays.
  });
  // The handler exists before the page can call it.
  registerKioskIpc({ ipcMain, api: core.api, window: win, appIndexUrl, log });
  loadPage(win);
  powerSaveBlocker.start('prevent-display-sleep');
  startWatchdog(() => core.api.getState({}));
  notifier.ready();
  const trial = trialVersion(process.env);
  if (trial === null) return startUpdates(updates, core.api);
  watchTrial({
    version: trial, releasesDir: updates.releasesDir, policy: updates.trial, clock: systemClock, log,
    observe: async () => ({ coreStarted: true, rendererLoaded, state: await currentState(core.api) }),
    onDone: (healthy) => (healthy ? startUpdates(updates, core.api) : app.quit()),
  });
}

async function currentState(api: KioskApi): Promise<KioskState | null> {
  const r = await api.getState({});
  return r.ok ? r.value : null;
}

/** Automatic updates (electron/updater.ts) once this version is known good; off without a feed URL. */
function startUpdates(updates: ShellUpdateConfig, api: KioskApi): void {
  if (updates.feedUrl === null) {
    log.info('automatic updates are off (no ROLUATM_UPDATE_URL)');
    return;
  }
  startUpdater({
    feedUrl: updates.feedUrl, releasesDir: updates.releasesDir, currentVersion: app.getVersion(), releaseKeys: updates.releaseKeys, policy: updates.policy,
    clock: systemClock, log, getState: () => currentState(api), quit: () => app.quit(),
  });
}

/** Pings systemd only while the core answers, so a wedged core is restarted (WatchdogSec). */
function startWatchdog(getState: () => Promise<{ ok: boolean }>): void {
  const every = watchdogIntervalMs(process.env);
  if (every === null) return;
  setInterval(() => {
    void getState().then((r) => r.ok && notifier.watchdog(), (err) => log.error({ err, code: 'watchdog_core' }, 'core did not answer'));
  }, every).unref();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents));
  app.on('second-instance', () => log.warn({ code: 'second_instance' }, 'a second instance was started and refused'));
  app.on('window-all-closed', () => app.quit());
  boot().catch((err: unknown) => {
    log.fatal({ err, code: (err as { code?: string }).code ?? 'boot_failed' }, 'kiosk failed to start; fix the configuration in /etc/roluatm/kiosk.env');
    app.exit(1);
  });
}
