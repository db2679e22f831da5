import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron, type ElectronBuildResult } from './build';
import { readBuildInfo } from './build-info';

let out: string;
let result: ElectronBuildResult;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'roluatm-dist-electron-'));
  result = await buildElectron(process.cwd(), out);
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Bare package names a bundle still imports at run time. */
function externalsOf(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/(?:^import [^;]*? from |^import |require\()"([^"]+)"/gm)) names.add(m[1] as string);
  return [...names].sort();
}

describe('Electron bundle (build:electron)', () => {
  it('writes an ESM main at dist-electron/electron/main.js and a CommonJS preload.cjs', () => {
    expect(result.mainFile).toBe(join(out, 'electron', 'main.js'));
    expect(result.preloadFile).toBe(join(out, 'electron', 'preload.cjs'));
    expect(readFileSync(result.mainFile, 'utf8')).toMatch(/^import \{[^}]*BrowserWindow[^}]*\} from "electron";$/m);
    expect(readFileSync(result.preloadFile, 'utf8')).toMatch(/^"use strict";/);
  });

  it('leaves the preload needing only electron, as a sandboxed preload must', () => {
    expect(externalsOf(readFileSync(result.preloadFile, 'utf8'))).toEqual(['electron']);
  });

  it('keeps every npm package external, and each one is a production dependency', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const packages = externalsOf(readFileSync(result.mainFile, 'utf8')).filter((n) => !builtins.has(n) && n !== 'electron');
    expect(packages).toEqual(expect.arrayContaining(['better-sqlite3', 'serialport', 'pino']));
    const root = (n: string) => (n.startsWith('@') ? n.split('/').slice(0, 2).join('/') : (n.split('/')[0] as string));
    expect(packages.filter((n) => pkg.dependencies[root(n)] === undefined)).toEqual([]);
  });

  it('bundles no file from node_modules into main.js', () => {
    const inputs = Object.keys(result.metafiles[0]?.inputs ?? {});
    expect(inputs.length).toBeGreaterThan(5);
    expect(inputs.filter((i) => i.includes('node_modules'))).toEqual([]);
  });

  it('imports its packages in a way Node ESM accepts (named imports from CommonJS packages included)', () => {
    const code = readFileSync(result.mainFile, 'utf8');
    const imports = [...code.matchAll(/^import [^;]*? from "([^".][^"]*)";$/gm)].map((m) => m[0]).filter((l) => !l.endsWith('from "electron";'));
    const probe = `${imports.join('\n')}\nprocess.stdout.write('loaded');`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' })).toBe('loaded');
  });

  it('stamps dist-electron/build-info.json with the package version and a build id the app reads', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const info = readBuildInfo(join(out, 'build-info.json'));
    expect(info).toEqual(result.buildInfo);
    expect(info?.version).toBe(pkg.version);
    expect(info?.build).toMatch(new RegExp(`^${pkg.version.replaceAll('.', '\\.')}\\+\\d{12}\\.\\w+$`));
  });

  it('copies the kiosk migrations where open-db.ts looks for them beside the bundle', () => {
    expect(result.migrations).toContain('001_initial.sql');
    expect(readFileSync(join(out, 'electron', 'migrations', '001_initial.sql'), 'utf8')).toBe(readFileSync('main/db/migrations/001_initial.sql', 'utf8'));
  });
});
