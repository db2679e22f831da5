import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * scripts/node-lts.sh (issue 19): CI runs on Node 24 LTS; an older system Node is replaced on PATH by
 * Node's binary from the npm registry, with npm_config_nodedir at its headers. Driven here with fake
 * `node`/`npm` commands so no download happens.
 */
const SCRIPT = resolve(__dirname, 'node-lts.sh');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function fakeCommand(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

/** A project root holding a copy of the script, and a bin folder with a fake system Node of `major`. */
function setup(major: number): { root: string; bin: string } {
  const root = mkdtempSync(join(tmpdir(), 'node-lts-'));
  dirs.push(root);
  mkdirSync(join(root, 'scripts'));
  copyFileSync(SCRIPT, join(root, 'scripts', 'node-lts.sh'));
  const bin = join(root, 'system-bin');
  fakeCommand(bin, 'node', `case "$1" in -p) echo ${major};; -v) echo v${major}.0.0;; esac`);
  fakeCommand(bin, 'npm', 'echo "npm: registry unreachable" >&2; exit 1');
  return { root, bin };
}

function source(root: string, bin: string) {
  const cmd = `. "${join(root, 'scripts', 'node-lts.sh')}" && echo "PATH=$PATH" && echo "NODEDIR=\${npm_config_nodedir:-}"`;
  return spawnSync('bash', ['-c', cmd], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, HOME: root } });
}

describe('scripts/node-lts.sh', () => {
  it('passes shellcheck', () => {
    const r = spawnSync('shellcheck', ['--severity=style', SCRIPT], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('keeps a system Node that is already the LTS major', () => {
    const { root, bin } = setup(24);
    const r = source(root, bin);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("using the system's Node v24.0.0");
    expect(r.stdout).toContain('NODEDIR=\n');
  });

  it('puts a fetched Node 24 with its headers first on PATH when the system Node is older', () => {
    const { root, bin } = setup(20);
    const lts = join(root, '.data', 'node', `24-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`);
    fakeCommand(join(lts, 'bin'), 'node', 'case "$1" in -p) echo 24;; -v) echo v24.22.3;; esac');
    mkdirSync(join(lts, 'include', 'node'), { recursive: true });
    writeFileSync(join(lts, 'include', 'node', 'node.h'), '');
    const r = source(root, bin);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`using Node v24.22.3 from ${lts}`);
    expect(r.stdout).toContain(`PATH=${join(lts, 'bin')}:`);
    expect(r.stdout).toContain(`NODEDIR=${lts}\n`);
  });

  it('fails with the reason when Node cannot be fetched, and leaves PATH alone', () => {
    const { root, bin } = setup(20);
    const r = spawnSync('bash', ['-c', `. "${join(root, 'scripts', 'node-lts.sh')}" || echo "FAILED PATH=$PATH"`], {
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: root },
    });
    expect(r.stdout).toContain('fetching node-linux-');
    expect(r.stderr).toContain('registry unreachable');
    expect(r.stdout).toContain(`FAILED PATH=${bin}:/usr/bin:/bin`);
  });
});
