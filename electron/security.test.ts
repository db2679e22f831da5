import { describe, expect, it } from 'vitest';
import { devToolsEnabled, isAllowedNavigation, isPermissionAllowed, isTrustedSender, kioskWindowOptions } from './security';

const APP = 'file:///opt/roluatm/resources/app.asar/dist-renderer/index.html';

const HOSTILE_URLS = [
  'https://evil.example/index.html',
  'http://127.0.0.1:3000/',
  'file:///etc/passwd',
  'file:///opt/roluatm/resources/app.asar/dist-renderer/other.html',
  'file:///opt/roluatm/resources/app.asar/dist-renderer/../../../../etc/passwd',
  'file:///opt/roluatm/resources/app.asar/dist-renderer/%2e%2e/index.html',
  'file://evil-share/opt/roluatm/resources/app.asar/dist-renderer/index.html',
  'file://user:pw@/opt/roluatm/resources/app.asar/dist-renderer/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'blob:file:///abc',
  'devtools://devtools/bundled/inspector.html',
  'chrome://gpu',
  'about:blank',
  'ws://127.0.0.1/kiosk-api',
  '',
  'not a url',
  'FILE:///opt/roluatm/resources/app.asar/dist-renderer/index.html.evil',
  `file:///opt/roluatm/resources/app.asar/dist-renderer/index.html${'a'.repeat(5000)}`,
];

describe('isAllowedNavigation', () => {
  it('allows only our own app page, with or without a fragment or query', () => {
    expect(isAllowedNavigation(APP, APP)).toBe(true);
    expect(isAllowedNavigation(`${APP}#/admin`, APP)).toBe(true);
    expect(isAllowedNavigation(`${APP}?lang=es`, APP)).toBe(true);
  });

  it.each(HOSTILE_URLS)('refuses a navigation to %s', (url) => {
    expect(isAllowedNavigation(url, APP)).toBe(false);
  });

  it('refuses everything when the app URL itself is not a local file', () => {
    expect(isAllowedNavigation('https://a.example/', 'https://a.example/')).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const expected = { webContentsId: 7, appIndexUrl: APP };

  it('trusts the main frame of the kiosk window showing our page', () => {
    expect(isTrustedSender({ frameUrl: `${APP}#/`, webContentsId: 7, isMainFrame: true }, expected)).toBe(true);
  });

  it.each([
    ['another webContents', { frameUrl: APP, webContentsId: 8, isMainFrame: true }],
    ['a sub-frame of our window', { frameUrl: APP, webContentsId: 7, isMainFrame: false }],
    ['a frame that is gone', { frameUrl: null, webContentsId: 7, isMainFrame: true }],
    ['our window after navigating away', { frameUrl: 'https://evil.example/', webContentsId: 7, isMainFrame: true }],
    ['our window showing another local file', { frameUrl: 'file:///tmp/x.html', webContentsId: 7, isMainFrame: true }],
    ['a NaN id', { frameUrl: APP, webContentsId: Number.NaN, isMainFrame: true }],
  ])('refuses %s', (_label, sender) => {
    expect(isTrustedSender(sender, expected)).toBe(false);
  });
});

describe('permission policy', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'hid', 'serial', 'usb', 'openExternal', 'pointerLock', 'unknown'])(
    'denies the %s permission even to our own page',
    (permission) => {
      expect(isPermissionAllowed(permission, APP)).toBe(false);
    },
  );
});

describe('kioskWindowOptions', () => {
  it('makes an isolated, sandboxed, full-screen kiosk window with our preload and no Node', () => {
    const o = kioskWindowOptions('/app/dist-electron/electron/preload.cjs', { devTools: false });
    expect(o.kiosk).toBe(true);
    expect(o.fullscreen).toBe(true);
    expect(o.autoHideMenuBar).toBe(true);
    expect(o.webPreferences).toMatchObject({
      preload: '/app/dist-electron/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });

  it('turns DevTools on only when asked', () => {
    expect(kioskWindowOptions('/p.cjs', { devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('reads the DevTools flag only from ROLUATM_DEVTOOLS=1', () => {
    expect(devToolsEnabled({})).toBe(false);
    expect(devToolsEnabled({ ROLUATM_DEVTOOLS: 'true' })).toBe(false);
    expect(devToolsEnabled({ ROLUATM_DEVTOOLS: '0' })).toBe(false);
    expect(devToolsEnabled({ ROLUATM_DEVTOOLS: '1' })).toBe(true);
  });
});
