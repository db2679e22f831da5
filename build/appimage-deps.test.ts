import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The AppImage ships only the kiosk (issue 12 "Two deployables, two dependency sets"): electron-builder
 * packs electron-builder.yml's `files` plus the root package's production dependency closure, which
 * it collects with its own npm collector (`npm list --omit dev`, read here through the same code).
 * The cloud's server packages and build tools must never be in it.
 */
const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const CLOUD_ONLY = ['hono', '@hono/node-server', 'pg', '@electric-sql/pglite', 'esbuild'];

interface NodeModuleInfo {
  name: string;
  version: string;
  dependencies?: NodeModuleInfo[];
}

async function packedNodeModules(): Promise<string[]> {
  const { getCollectorByPackageManager, PM } = require('app-builder-lib/out/node-module-collector') as {
    PM: { NPM: string };
    getCollectorByPackageManager(pm: string, dir: string, tmp: unknown): { getNodeModules(o: { packageName: string }): Promise<{ nodeModules: NodeModuleInfo[] }> };
  };
  const { TmpDir } = require(require.resolve('temp-file', { paths: [require.resolve('app-builder-lib')] })) as { TmpDir: new (name: string) => { cleanup(): Promise<void> } };
  const tmp = new TmpDir('appimage-deps-test');
  try {
    const { name } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string };
    const { nodeModules } = await getCollectorByPackageManager(PM.NPM, ROOT, tmp).getNodeModules({ packageName: name });
    const names = new Set<string>();
    const walk = (mods: NodeModuleInfo[] | undefined) => {
      for (const m of mods ?? []) {
        names.add(m.name);
        walk(m.dependencies);
      }
    };
    walk(nodeModules);
    return [...names].sort();
  } finally {
    await tmp.cleanup();
  }
}

/** electron-builder's `files` semantics: a path is packed when the last pattern matching it is not a negation. */
function packedByFiles(patterns: string[], path: string): boolean {
  let packed = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (minimatch(path, negated ? p.slice(1) : p, { dot: true })) packed = !negated;
  }
  return packed;
}

describe('what the AppImage packs', () => {
  it('has production node_modules with the kiosk’s native modules and none of the cloud’s packages', async () => {
    const packed = await packedNodeModules();
    expect(packed).toEqual(expect.arrayContaining(['better-sqlite3', 'serialport', 'pino', 'zod', 'electron-updater']));
    expect(packed.filter((n) => CLOUD_ONLY.includes(n))).toEqual([]);
    expect(packed.filter((n) => n.startsWith('@roluatm/'))).toEqual([]);
  }, 60_000);

  it('packs no file of the cloud, the simulators or the tests', () => {
    const { files } = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { files: string[] };
    expect(files).toEqual(expect.arrayContaining(['!cloud-api/**', '!sim/**', '!test/**']));
    for (const path of ['cloud-api/package.json', 'cloud-api/dist/server.js', 'cloud-api/src/db/migrations/001_init.sql', 'sim/cli.ts', 'test/e2e/cash-out.spec.ts', 'contract/package.json']) {
      expect(packedByFiles(files, path), path).toBe(false);
    }
    for (const path of ['package.json', 'dist-electron/electron/main.js', 'dist-renderer/index.html', 'main/db/migrations/001_init.sql']) {
      expect(packedByFiles(files, path), path).toBe(true);
    }
  });
});
