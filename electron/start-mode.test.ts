import { describe, expect, it } from 'vitest';
import { chooseStartMode, ELECTRON_BINARY } from './start-mode';

const only = (present: string[]) => (p: string) => present.includes(p);

describe('chooseStartMode (npm start)', () => {
  it('launches Electron on the bundled main when the Electron binary is installed', () => {
    expect(chooseStartMode({ binaryExists: only([ELECTRON_BINARY]), env: {}, uid: 1000 })).toEqual({
      mode: 'electron', binary: 'node_modules/electron/dist/electron', args: ['dist-electron/electron/main.js'],
    });
  });

  it('adds --no-sandbox only when running as root', () => {
    expect(chooseStartMode({ binaryExists: only([ELECTRON_BINARY]), env: {}, uid: 0 })).toMatchObject({ args: ['dist-electron/electron/main.js', '--no-sandbox'] });
  });

  it('falls back to the browser without the binary, or when asked to', () => {
    expect(chooseStartMode({ binaryExists: only([]), env: {}, uid: 1000 })).toEqual({ mode: 'browser', reason: 'no_electron_binary' });
    expect(chooseStartMode({ binaryExists: only([ELECTRON_BINARY]), env: { ROLUATM_START_BROWSER: '1' }, uid: 1000 })).toEqual({ mode: 'browser', reason: 'forced_browser' });
  });
});
