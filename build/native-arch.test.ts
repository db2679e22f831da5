import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { checkNativeArch, assertNativeArch, readElfHeader } = require('./native-arch.cjs') as {
  checkNativeArch(dir: string, arch: string): { checked: string[]; wrong: { file: string; why: string }[]; skipped: string[] };
  assertNativeArch(dir: string, arch: string): unknown;
  readElfHeader(file: string): { elf: boolean; bits?: number; littleEndian?: boolean; machine?: number };
};

/** The real native modules in this checkout: better-sqlite3 built here (x64), serialport's shipped prebuilds. */
const SQLITE_X64 = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
const SERIAL_ARM64 = 'node_modules/@serialport/bindings-cpp/prebuilds/linux-arm64/@serialport+bindings-cpp.armv8.glibc.node';
const SERIAL_WIN = 'node_modules/@serialport/bindings-cpp/prebuilds/win32-x64/@serialport+bindings-cpp.node';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function unpacked(): string {
  const d = mkdtempSync(join(tmpdir(), 'roluatm-unpacked-'));
  dirs.push(d);
  return d;
}
function put(dir: string, rel: string, body: Buffer | string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), body);
}
/** A 64-byte ELF header: class (1 = 32-bit, 2 = 64-bit), data (1 = LE, 2 = BE), e_machine. */
function elfHeader(machine: number, opts: { bits?: 32 | 64; littleEndian?: boolean } = {}): Buffer {
  const h = Buffer.alloc(64);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = opts.bits === 32 ? 1 : 2;
  h[5] = opts.littleEndian === false ? 2 : 1;
  h[6] = 1;
  if (opts.littleEndian === false) h.writeUInt16BE(machine, 18);
  else h.writeUInt16LE(machine, 18);
  return h;
}
const SQLITE_REL = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';

describe('native module architecture check', () => {
  it('reads e_machine from the real binaries: x64 better-sqlite3, arm64 serialport prebuild', () => {
    expect(readElfHeader(SQLITE_X64)).toEqual({ elf: true, bits: 64, littleEndian: true, machine: 0x3e });
    expect(readElfHeader(SERIAL_ARM64)).toEqual({ elf: true, bits: 64, littleEndian: true, machine: 0xb7 });
  });

  it('refuses the x64 better-sqlite3 built here inside an arm64 app', () => {
    const dir = unpacked();
    put(dir, SQLITE_REL, Buffer.alloc(0));
    copyFileSync(SQLITE_X64, join(dir, SQLITE_REL));
    copyFileSync(SERIAL_ARM64, join(dir, 'x.node'));
    expect(checkNativeArch(dir, 'arm64').wrong).toEqual([{ file: SQLITE_REL, why: 'e_machine 0x3e, not arm64 (0xb7)' }]);
    expect(() => assertNativeArch(dir, 'arm64')).toThrow(/better_sqlite3\.node: e_machine 0x3e, not arm64/);
  });

  it('accepts serialport’s linux-arm64 prebuild and skips the prebuilds for other targets', () => {
    const dir = unpacked();
    for (const f of [SERIAL_ARM64, SERIAL_WIN]) {
      put(dir, f, Buffer.alloc(0));
      copyFileSync(f, join(dir, f));
    }
    put(dir, 'node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/b.glibc.node', elfHeader(0x3e));
    put(dir, SQLITE_REL, elfHeader(0xb7));
    const r = checkNativeArch(dir, 'arm64');
    expect(r.wrong).toEqual([]);
    expect(r.checked.sort()).toEqual([SQLITE_REL, SERIAL_ARM64].sort());
    expect(r.skipped).toHaveLength(2);
    // The same tree is wrong for x64: its better-sqlite3 is arm64.
    expect(checkNativeArch(dir, 'x64').wrong.map((w) => w.file)).toEqual([SQLITE_REL]);
  });

  it('refuses 32-bit ARM, big-endian, and a .node that is not ELF at all', () => {
    const dir = unpacked();
    put(dir, 'a/armv7.node', elfHeader(0x28, { bits: 32 }));
    put(dir, 'b/be.node', elfHeader(0xb7, { littleEndian: false }));
    put(dir, 'c/text.node', 'not a binary');
    put(dir, 'd/ok.node', elfHeader(0xb7));
    const why = Object.fromEntries(checkNativeArch(dir, 'arm64').wrong.map((w) => [w.file, w.why]));
    expect(why).toEqual({ 'a/armv7.node': 'ELF 32-bit LE, not 64-bit little-endian', 'b/be.node': 'ELF 64-bit BE, not 64-bit little-endian', 'c/text.node': 'not an ELF file' });
  });

  it('refuses a folder with no native module (the wrong folder), and says so from the command line', () => {
    const dir = unpacked();
    expect(() => assertNativeArch(dir, 'arm64')).toThrow(/no arm64 \.node file at all/);
    put(dir, SQLITE_REL, elfHeader(0x3e));
    const bad = spawnSync('node', ['build/native-arch.cjs', '--arch', 'arm64', dir], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('not arm64');
    const good = spawnSync('node', ['build/native-arch.cjs', '--arch', 'x64', dir], { encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('1 .node file(s) are x64');
  });
});
