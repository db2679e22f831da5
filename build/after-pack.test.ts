import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const hook = require('./after-pack.cjs') as ((ctx: unknown) => Promise<void>) & {
  fuseConfigFor(platform: string): Record<string, unknown>;
};

// @electron/fuses finds this sentinel in the Electron binary, followed by the wire version (1),
// the wire length and one byte per fuse ('0' off, '1' on). A file with that layout stands in for
// the Electron binary, which cannot be downloaded here; the real @electron/fuses flips it.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const dirs: string[] = [];

function fakeElectron(initial: string): { dir: string; wire: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'roluatm-fuses-'));
  dirs.push(dir);
  const bytes = Buffer.concat([Buffer.from('ELF-ish header…'), Buffer.from(SENTINEL), Buffer.from([1, initial.length]), Buffer.from(initial), Buffer.from('…tail')]);
  writeFileSync(join(dir, 'roluatm'), bytes);
  return {
    dir,
    wire: () => {
      const b = readFileSync(join(dir, 'roluatm'));
      const at = b.indexOf(SENTINEL) + SENTINEL.length + 2;
      return b.subarray(at, at + initial.length).toString();
    },
  };
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An arm64 packing context (builder-util Arch.arm64 = 3) with an arm64 native module unpacked. */
function context(dir: string, nativeMachine = 0xb7) {
  const unpacked = join(dir, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release');
  mkdirSync(unpacked, { recursive: true });
  const elf = Buffer.alloc(64);
  elf.write('\x7fELF', 0, 'latin1');
  elf[4] = 2;
  elf[5] = 1;
  elf.writeUInt16LE(nativeMachine, 18);
  writeFileSync(join(unpacked, 'better_sqlite3.node'), elf);
  return { electronPlatformName: 'linux', arch: 3, appOutDir: dir, packager: { appInfo: { productFilename: 'RoluATM' }, executableName: 'roluatm' } };
}

describe('after-pack fuse hook', () => {
  it('turns off RunAsNode, NODE_OPTIONS and inspect, turns on cookie encryption and asar-only on a Linux binary', async () => {
    // Electron defaults: RunAsNode on, cookies plain, NODE_OPTIONS on, inspect on, integrity off, asar-only off, snapshot off, file privileges on.
    const bin = fakeElectron('10110001');
    await hook(context(bin.dir));
    expect(bin.wire()).toBe('01000101');
  });

  it('fails the arm64 build when a packed native module is x64', async () => {
    const bin = fakeElectron('10110001');
    await expect(hook(context(bin.dir, 0x3e))).rejects.toThrow(/better_sqlite3\.node: e_machine 0x3e, not arm64/);
  });

  it('enables embedded asar integrity only where the platform validates it', () => {
    expect(hook.fuseConfigFor('linux')['4']).toBe(false);
    expect(hook.fuseConfigFor('darwin')['4']).toBe(true);
    expect(hook.fuseConfigFor('win32')['4']).toBe(true);
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roluatm-fuses-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'roluatm'), 'not electron');
    await expect(hook(context(dir))).rejects.toThrow(/sentinel/);
  });
});
