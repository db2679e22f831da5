// Checks that the native modules packed for a Linux target are built for its CPU (issue 19: "a check
// that the packed app's .node files are arm64 for the arm64 target"). An x64 better-sqlite3 inside an
// arm64 AppImage starts on the Pi only to fail when the core opens its journal.
//
// Rules, for every `.node` file under the folder (the packed app.asar.unpacked):
// - a file in a `prebuilds/<platform>-<arch>/` folder for another platform or CPU is never loaded on
//   this target (node-gyp-build picks prebuilds/linux-<arch>): skipped, and listed;
// - every other one must be an ELF file, 64-bit, little-endian, with e_machine of the target
//   (ELF header: bytes 0-3 \x7fELF, byte 4 class 2 = 64-bit, byte 5 data 1 = little-endian,
//   bytes 18-19 e_machine: 0xB7 AArch64, 0x3E x86-64);
// - at least one must be checked (a folder without native modules means the wrong folder).
// Used by build/after-pack.cjs for each Linux target, and by hand:
//   node build/native-arch.cjs --arch arm64 release/linux-arm64-unpacked/resources/app.asar.unpacked
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads the hooks as CommonJS */
const fs = require('node:fs');
const path = require('node:path');

const E_MACHINE = Object.freeze({ arm64: 0xb7, x64: 0x3e });

/** What a file's first 64 bytes say: { elf: false } or { elf: true, bits, littleEndian, machine }. */
function readElfHeader(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const h = Buffer.alloc(64);
    const n = fs.readSync(fd, h, 0, 64, 0);
    if (n < 20 || h.readUInt32BE(0) !== 0x7f454c46) return { elf: false };
    const littleEndian = h[5] === 1;
    return { elf: true, bits: h[4] === 2 ? 64 : 32, littleEndian, machine: littleEndian ? h.readUInt16LE(18) : h.readUInt16BE(18) };
  } finally {
    fs.closeSync(fd);
  }
}

function nodeFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...nodeFiles(p));
    else if (entry.name.endsWith('.node')) out.push(p);
  }
  return out;
}

/** The prebuilds/<platform>-<arch> folder a file sits in, or null. */
function prebuildTarget(file) {
  const parts = file.split(path.sep);
  const i = parts.lastIndexOf('prebuilds');
  return i >= 0 && i + 1 < parts.length - 1 ? parts[i + 1] : null;
}

/** { checked, wrong: [{ file, why }], skipped } for `arch` ('arm64' | 'x64') under `dir`. */
function checkNativeArch(dir, arch) {
  const want = E_MACHINE[arch];
  if (want === undefined) throw new Error(`unknown arch ${arch}: one of ${Object.keys(E_MACHINE).join(', ')}`);
  const result = { checked: [], wrong: [], skipped: [] };
  for (const file of nodeFiles(dir)) {
    const rel = path.relative(dir, file);
    const target = prebuildTarget(file);
    if (target !== null && target !== `linux-${arch}`) {
      result.skipped.push(rel);
      continue;
    }
    const h = readElfHeader(file);
    if (!h.elf) result.wrong.push({ file: rel, why: 'not an ELF file' });
    else if (h.bits !== 64 || !h.littleEndian) result.wrong.push({ file: rel, why: `ELF ${h.bits}-bit ${h.littleEndian ? 'LE' : 'BE'}, not 64-bit little-endian` });
    else if (h.machine !== want) result.wrong.push({ file: rel, why: `e_machine 0x${h.machine.toString(16)}, not ${arch} (0x${want.toString(16)})` });
    else result.checked.push(rel);
  }
  return result;
}

/** Throws (code native_arch_mismatch) unless every loadable .node under `dir` is for `arch`. */
function assertNativeArch(dir, arch) {
  const r = checkNativeArch(dir, arch);
  if (r.wrong.length > 0 || r.checked.length === 0) {
    const lines = r.wrong.map((w) => `  ${w.file}: ${w.why}`);
    if (r.checked.length === 0) lines.push(`  no ${arch} .node file at all under ${dir}`);
    const err = new Error(`native modules are not all ${arch} (see docs/INSTALL-PI.md "Native modules"):\n${lines.join('\n')}`);
    err.code = 'native_arch_mismatch';
    throw err;
  }
  return r;
}

module.exports = { E_MACHINE, readElfHeader, checkNativeArch, assertNativeArch };

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--arch');
  const arch = i >= 0 ? args[i + 1] : undefined;
  const dir = args.find((a, k) => !a.startsWith('--') && k !== i + 1);
  if (arch === undefined || dir === undefined) {
    console.error('usage: node build/native-arch.cjs --arch arm64|x64 DIR');
    process.exit(2);
  }
  try {
    const r = assertNativeArch(dir, arch);
    console.log(`native-arch: ${r.checked.length} .node file(s) are ${arch}; ${r.skipped.length} prebuild(s) for other targets skipped`);
  } catch (err) {
    console.error(`native-arch: ${err.message}`);
    process.exit(1);
  }
}
