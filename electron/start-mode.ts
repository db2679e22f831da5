/**
 * `npm start` (scripts/start.ts): run the kiosk screen in Electron when the Electron binary is
 * installed (node_modules/electron/dist/electron, `npm install` without
 * ELECTRON_SKIP_BINARY_DOWNLOAD), else in the browser. ROLUATM_START_BROWSER=1 forces the browser.
 * Pure, so the branch is tested where the binary is absent.
 */
export type StartMode =
  | { mode: 'electron'; binary: string; args: string[] }
  | { mode: 'browser'; reason: 'no_electron_binary' | 'forced_browser' };

export const ELECTRON_BINARY = 'node_modules/electron/dist/electron';
export const ELECTRON_MAIN = 'dist-electron/electron/main.js';

export function chooseStartMode(input: { binaryExists: (path: string) => boolean; env: Record<string, string | undefined>; uid: number | null }): StartMode {
  if (input.env['ROLUATM_START_BROWSER'] === '1') return { mode: 'browser', reason: 'forced_browser' };
  if (!input.binaryExists(ELECTRON_BINARY)) return { mode: 'browser', reason: 'no_electron_binary' };
  // Chromium refuses its OS sandbox as root (containers); a real kiosk never runs as root.
  return { mode: 'electron', binary: ELECTRON_BINARY, args: [ELECTRON_MAIN, ...(input.uid === 0 ? ['--no-sandbox'] : [])] };
}
