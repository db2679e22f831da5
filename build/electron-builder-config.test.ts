import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown> & {
  files: string[];
  asarUnpack: string[];
  linux: { target: { target: string; arch: string[] }[] };
  publish: { provider: string; url: string }[];
  electronFuses: Record<string, boolean>;
  afterPack: string;
};

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(c: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('would be rejected by that validation if it carried an unknown option', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(c: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration({ ...config, kioskMode: true }, { isEnabled: false, add: () => undefined })).rejects.toThrow(/kioskMode/);
  });

  it('builds an AppImage for arm64 and x64', () => {
    expect(config['productName']).toBe('RoluATM');
    expect(config.linux.target).toEqual([{ target: 'AppImage', arch: ['arm64', 'x64'] }]);
  });

  it('packs an explicit allowlist: the bundles, the renderer, migrations and package.json only', () => {
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist-electron/**/*', 'dist-renderer/**/*', 'main/db/migrations/*.sql']));
    const included = config.files.filter((f) => !f.startsWith('!'));
    expect(included.every((f) => ['package.json', 'dist-electron/**/*', 'dist-renderer/**/*', 'main/db/migrations/*.sql'].includes(f))).toBe(true);
  });

  it('unpacks every native .node module and the native packages from the asar', () => {
    expect(config['asar']).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**', 'node_modules/@serialport/bindings-cpp/**']));
    expect(config['npmRebuild']).toBe(true);
  });

  it('runs the after-pack fuse hook, and that hook file exports a function', () => {
    expect(config.afterPack).toBe('build/after-pack.cjs');
    expect(typeof require('./after-pack.cjs')).toBe('function');
  });

  it('declares the same fuse policy as the after-pack hook', () => {
    const { FUSE_POLICY } = require('./after-pack.cjs') as { FUSE_POLICY: Record<string, boolean> };
    expect(config.electronFuses).toEqual(FUSE_POLICY);
    expect(FUSE_POLICY).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, enableCookieEncryption: true });
  });

  it('publishes update metadata for electron-updater on a generic server', () => {
    expect(config.publish[0]?.provider).toBe('generic');
    expect(config.publish[0]?.url).toMatch(/^https:\/\//);
  });

  it('ships electron-updater >= 6.6.4 (ARM-to-ARM AppImage updates) as a production dependency', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['electron-updater']).toMatch(/^\^?6\.\d+\.\d+$/);
    const installed = (require('electron-updater/package.json') as { version: string }).version.split('.').map(Number);
    const [major = 0, minor = 0, patch = 0] = installed;
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(6_006_004);
  });

  it('packs the build stamp (dist-electron/build-info.json) through the files allowlist', () => {
    expect(config.files).toContain('dist-electron/**/*');
    expect(config.files.filter((f) => f.startsWith('!')).some((f) => /json/.test(f))).toBe(false);
  });

  it('points the packed app at the bundled Electron main that package.json names', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
    expect((config['extraMetadata'] as { main: string }).main).toBe(pkg.main);
    expect(pkg.main).toBe('dist-electron/electron/main.js');
  });
});
