import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeMissing, minimumNode, missingPrerequisites, onPath } from './check-prerequisites';

const ROOT = join(import.meta.dirname, '..');
const bin = mkdtempSync(join(tmpdir(), 'roluatm-prereq-bin-'));
/** A PATH holding only the named tools (empty executable stand-ins: the checker only looks them up). */
function pathWith(tools: string[]): string {
  const dir = mkdtempSync(join(bin, 'path-'));
  for (const t of tools) {
    writeFileSync(join(dir, t), '#!/bin/sh\n');
    chmodSync(join(dir, t), 0o755);
  }
  return dir;
}
const fakeChromium = join(pathWith(['chromium']), 'chromium');

/** Runs the checker as `npm test` does, with only `path` on PATH (node itself by its absolute path). */
function runChecker(path: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'check-prerequisites.ts')], {
    cwd: ROOT,
    env: { PATH: path, CHROMIUM_PATH: fakeChromium },
    encoding: 'utf8',
  });
}

afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('scripts/check-prerequisites.ts', () => {
  const base = { nodeVersion: '24.0.0', rootDir: ROOT, sqliteLoads: () => true };

  it('finds nothing missing when every tool is there', () => {
    const env = { PATH: pathWith(['socat', 'shellcheck', 'udevadm', 'haproxy']), CHROMIUM_PATH: fakeChromium };
    expect(missingPrerequisites({ ...base, env })).toEqual([]);
  });

  it('names shellcheck and its apt package when PATH lacks it', () => {
    const env = { PATH: pathWith(['socat', 'udevadm', 'haproxy']), CHROMIUM_PATH: fakeChromium };
    const missing = missingPrerequisites({ ...base, env });
    expect(missing.map((m) => m.name)).toEqual(['shellcheck']);
    expect(describeMissing(missing)).toMatch(/shellcheck: the build tests lint .*apt-get install shellcheck/);
  });

  it('names every missing tool at once, with one apt-get line', () => {
    const env = { PATH: pathWith([]), CHROMIUM_PATH: join(bin, 'no-chromium') };
    const missing = missingPrerequisites({ ...base, sqliteLoads: () => false, env });
    expect(missing.map((m) => m.name.split(' ')[0])).toEqual(['socat', 'shellcheck', 'udevadm', 'haproxy', 'chromium', 'better-sqlite3']);
    expect(describeMissing(missing)).toContain('apt-get install -y socat shellcheck udev haproxy chromium build-essential python3');
  });

  it('refuses a Node older than package.json engines', () => {
    const env = { PATH: pathWith(['socat', 'shellcheck', 'udevadm', 'haproxy']), CHROMIUM_PATH: fakeChromium };
    const [min] = minimumNode(ROOT);
    const missing = missingPrerequisites({ ...base, nodeVersion: `${(min ?? 1) - 1}.99.0`, env });
    expect(missing).toHaveLength(1);
    expect(missing[0]?.name).toMatch(/^Node \d+\.\d+\.\d+ or newer/);
  });

  it('looks tools up on PATH only', () => {
    expect(onPath('sh', '/bin:/usr/bin')).toBe(true);
    expect(onPath('sh', pathWith([]))).toBe(false);
    expect(onPath('sh', undefined)).toBe(false);
  });

  it('as a command: exits 1 and names shellcheck when PATH has no shellcheck', () => {
    const dir = pathWith(['socat', 'udevadm', 'haproxy']);
    const r = runChecker(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('shellcheck');
    expect(r.stderr).toContain('apt-get install shellcheck');
    expect(r.stderr).not.toMatch(/socat|udevadm|haproxy|chromium/);
  });

  it('as a command: exits 0 silently when every tool is on PATH', () => {
    const dir = pathWith(['socat', 'shellcheck', 'udevadm', 'haproxy']);
    const r = runChecker(dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
