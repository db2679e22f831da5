import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * Security checks for the Electron shell, as small pure functions tested against hostile inputs
 * (STYLE.md, Actual Budget `trusted-url.ts`; Electron security checklist items 2–4, 13–15).
 * The kiosk loads exactly one page, our own `dist-renderer/index.html` over file://, and needs no
 * navigation, no new windows, no webviews and no web permissions. Everything else is refused.
 */

/** Parses a URL or returns null; never throws on hostile input. */
function parseUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** A file:// URL with query and fragment removed, normalised by the URL parser (`..`, `%2e` resolved). */
function fileDocument(raw: unknown): string | null {
  const url = parseUrl(raw);
  if (url === null || url.protocol !== 'file:') return null;
  // file://host/… is a network share on some platforms: never ours.
  if (url.hostname !== '' && url.hostname !== 'localhost') return null;
  if (url.username !== '' || url.password !== '') return null;
  return `file://${url.pathname}`;
}

/**
 * True only when `url` is our own app page (`appIndexUrl`, any #fragment or ?query, as a SPA router
 * may use them). Every other target (http(s), other files, javascript:, data:, devtools:) is refused.
 */
export function isAllowedNavigation(url: string, appIndexUrl: string): boolean {
  const target = fileDocument(url);
  const app = fileDocument(appIndexUrl);
  return target !== null && app !== null && target === app;
}

export interface IpcSender {
  /** `event.senderFrame.url`, or null when the frame is gone. */
  frameUrl: string | null;
  /** `event.sender.id`. */
  webContentsId: number;
  /** `event.senderFrame === event.sender.mainFrame`. */
  isMainFrame: boolean;
}

/**
 * An IPC message is trusted only when it comes from the main frame of the kiosk window's own
 * webContents and that frame shows our app page (Electron security checklist 17, "validate the sender").
 */
export function isTrustedSender(sender: IpcSender, expected: { webContentsId: number; appIndexUrl: string }): boolean {
  if (!Number.isInteger(sender.webContentsId) || sender.webContentsId !== expected.webContentsId) return false;
  if (sender.isMainFrame !== true) return false;
  if (sender.frameUrl === null) return false;
  return isAllowedNavigation(sender.frameUrl, expected.appIndexUrl);
}

/**
 * Permission policy: the kiosk UI needs no web permission (no camera: the customer scans OUR QR
 * with their phone; no notifications, geolocation, clipboard, HID, serial, USB, media).
 * Every request and every check is denied, whatever the origin.
 */
export function isPermissionAllowed(_permission: string, _requestingUrl: string | null): boolean {
  return false;
}

export interface KioskWindowOpts {
  /** DevTools only when an operator sets ROLUATM_DEVTOOLS=1 on a bench machine; never on a kiosk. */
  devTools: boolean;
  backgroundColor?: string;
}

/** BrowserWindow options for the kiosk window (Electron security checklist 2–4, 6, 8). */
export function kioskWindowOptions(preloadPath: string, opts: KioskWindowOpts): BrowserWindowConstructorOptions {
  return {
    show: false,
    kiosk: true,
    fullscreen: true,
    frame: false,
    autoHideMenuBar: true,
    backgroundColor: opts.backgroundColor ?? '#000000',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: opts.devTools,
      safeDialogs: true,
    },
  };
}

/** Reads the devtools flag: only the exact value "1" turns DevTools on. */
export function devToolsEnabled(env: Record<string, string | undefined>): boolean {
  return env['ROLUATM_DEVTOOLS'] === '1';
}
