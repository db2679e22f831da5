// electron-builder afterPack hook: flips Electron fuses with @electron/fuses and reads them back.
// Fuses (https://www.electronjs.org/docs/latest/tutorial/fuses) are compiled-in switches:
// - runAsNode off: ELECTRON_RUN_AS_NODE cannot turn the kiosk binary into a plain Node shell;
// - NODE_OPTIONS / NODE_EXTRA_CA_CERTS ignored; --inspect flags and SIGUSR1 ignored;
// - cookie store encrypted; the app loads only from app.asar;
// - embedded asar integrity where the platform validates it (macOS, Windows; not Linux);
// - file:// keeps its extra privileges: the kiosk page is served from file:// (electron/csp.ts).
// electron-builder.yml `electronFuses` carries the same policy (a test compares them).
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads this hook as CommonJS */
const path = require('node:path');
const { flipFuses, getCurrentFuseWire, FuseVersion, FuseV1Options } = require('@electron/fuses');
const { assertNativeArch } = require('./native-arch.cjs');

/** electron-builder's Arch enum (builder-util): the targets the kiosk ships. */
const ARCH_NAME = Object.freeze({ 1: 'x64', 3: 'arm64' });

const FUSE_POLICY = Object.freeze({
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableCookieEncryption: true,
  onlyLoadAppFromAsar: true,
  enableEmbeddedAsarIntegrityValidation: false,
  grantFileProtocolExtraPrivileges: true,
});

const OPTION_OF = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};

/** The @electron/fuses config for a platform ('linux' | 'darwin' | 'win32'). */
function fuseConfigFor(platform) {
  const config = { version: FuseVersion.V1 };
  for (const [name, value] of Object.entries(FUSE_POLICY)) config[OPTION_OF[name]] = value;
  if (platform === 'darwin' || platform === 'win32') config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation] = true;
  return config;
}

/** Path of the Electron executable inside the packed app folder. */
function electronBinaryPath(context) {
  const platform = context.electronPlatformName;
  const info = context.packager.appInfo;
  if (platform === 'darwin') return path.join(context.appOutDir, `${info.productFilename}.app`);
  if (platform === 'win32') return path.join(context.appOutDir, `${info.productFilename}.exe`);
  const exe = (context.packager.executableName ?? info.productFilename).toString();
  return path.join(context.appOutDir, exe);
}

/** Flips the fuses on `binary` and throws (code fuses_not_set) if reading back disagrees. */
async function applyFuses(binary, platform) {
  const wanted = fuseConfigFor(platform);
  await flipFuses(binary, wanted);
  const wire = await getCurrentFuseWire(binary);
  const on = 49; // '1', @electron/fuses FuseState.ENABLE
  for (const [index, value] of Object.entries(wanted)) {
    if (index === 'version') continue;
    if ((wire[index] === on) !== value) {
      const err = new Error(`fuse ${FuseV1Options[index]} is not ${value} in ${binary}; check the Electron and @electron/fuses versions`);
      err.code = 'fuses_not_set';
      throw err;
    }
  }
  return wire;
}

async function afterPack(context) {
  const binary = electronBinaryPath(context);
  await applyFuses(binary, context.electronPlatformName);
  console.log(`after-pack: fuses set on ${binary}`);
  if (context.electronPlatformName === 'linux') {
    // The native modules electron-builder rebuilt must be for this target's CPU (build/native-arch.cjs).
    const arch = ARCH_NAME[context.arch];
    if (arch === undefined) throw new Error(`after-pack: no native-module check for arch ${context.arch}`);
    const r = assertNativeArch(path.join(context.appOutDir, 'resources', 'app.asar.unpacked'), arch);
    console.log(`after-pack: ${r.checked.length} native module(s) are ${arch}`);
  }
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSE_POLICY = FUSE_POLICY;
module.exports.fuseConfigFor = fuseConfigFor;
module.exports.applyFuses = applyFuses;
module.exports.electronBinaryPath = electronBinaryPath;
