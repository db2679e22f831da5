import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const INSTALL = 'build/install-pi.sh';
const UNINSTALL = 'build/uninstall-pi.sh';
const dirs: string[] = [];

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'roluatm-root-'));
  dirs.push(root);
  mkdirSync(join(root, 'boot/firmware'), { recursive: true });
  writeFileSync(join(root, 'boot/firmware/config.txt'), 'arm_64bit=1\n');
  writeFileSync(join(root, 'RoluATM-0.1.0-arm64.AppImage'), '#!/bin/sh\necho not really an AppImage\n');
  return root;
}

function run(script: string, args: string[]): string {
  return execFileSync('bash', [script, ...args], { encoding: 'utf8' });
}

function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

const read = (root: string, p: string) => readFileSync(join(root, p), 'utf8');

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('Pi install scripts', () => {
  it.each([INSTALL, UNINSTALL])('%s passes shellcheck', (script) => {
    const r = spawnSync('shellcheck', ['--severity=style', script], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('installs the app, unit, udev rule, autostart, watchdog and log settings into a root folder', () => {
    const root = tempRoot();
    run(INSTALL, ['--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage'), '--usb-id', '10c4:ea60', '--cloud-url', 'https://cloud.example', '--hopper-address', '3']);
    expect(statSync(join(root, 'var/lib/roluatm/releases/pending.AppImage')).mode & 0o111).not.toBe(0);
    expect(read(root, 'var/lib/roluatm/releases/pending.version')).toBe('0.1.0\n');
    expect(read(root, 'var/lib/roluatm/releases/pending.sha512')).toBe(`${createHash('sha512').update(read(root, 'RoluATM-0.1.0-arm64.AppImage')).digest('hex')}\n`);
    expect(read(root, 'opt/roluatm/bin/roluatm-launch')).toBe(readFileSync('build/roluatm-launch.sh', 'utf8'));
    const unit = read(root, 'etc/systemd/user/roluatm.service');
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^WatchdogSec=\d+$/m);
    expect(unit).toMatch(/^Type=notify$/m);
    expect(unit).toMatch(/^ExecStart=\/opt\/roluatm\/bin\/roluatm-launch$/m);
    expect(read(root, 'etc/udev/rules.d/99-roluatm-hopper.rules')).toMatch(/ATTRS\{idVendor\}=="10c4", ATTRS\{idProduct\}=="ea60", SYMLINK\+="roluatm-hopper", GROUP="dialout", MODE="0660"/);
    expect(read(root, 'home/roluatm/.config/labwc/autostart')).toContain('/opt/roluatm/bin/roluatm-session');
    expect(read(root, 'home/roluatm/.config/wayfire.ini')).toMatch(/\[autostart\]\nroluatm = \/opt\/roluatm\/bin\/roluatm-session/);
    expect(read(root, 'home/roluatm/.config/wayfire.ini')).toContain('dpms_timeout = -1');
    expect(read(root, 'etc/lightdm/lightdm.conf.d/50-roluatm.conf')).toContain('autologin-user=roluatm');
    expect(read(root, 'boot/firmware/config.txt')).toMatch(/^arm_64bit=1\n# >>> roluatm >>>\n\[all\]\ndtparam=watchdog=on\n# <<< roluatm <<<\n$/);
    expect(read(root, 'etc/systemd/system.conf.d/roluatm-watchdog.conf')).toMatch(/^RuntimeWatchdogSec=14s$/m);
    expect(read(root, 'etc/logrotate.d/roluatm')).toContain('/var/log/roluatm/*.log');
    const env = read(root, 'etc/roluatm/kiosk.env');
    expect(env).toMatch(/^CLOUD_URL=https:\/\/cloud.example$/m);
    expect(env).toMatch(/^HOPPER_PORT=\/dev\/roluatm-hopper$/m);
    expect(env.match(/^CLOUD_URL=/gm)).toHaveLength(1);
    expect(statSync(join(root, 'etc/roluatm/kiosk.env')).mode & 0o777).toBe(0o640);
  });

  it('gives the same result when run twice, and keeps a configured env file', () => {
    const root = tempRoot();
    const args = ['--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage'), '--cloud-url', 'https://cloud.example'];
    run(INSTALL, args);
    const first = snapshot(root);
    run(INSTALL, args);
    expect(snapshot(root)).toEqual(first);
    run(INSTALL, ['--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage')]);
    expect(read(root, 'etc/roluatm/kiosk.env')).toMatch(/^CLOUD_URL=https:\/\/cloud.example$/m);
  });

  it('stages nothing when the AppImage given is already the running version', () => {
    const root = tempRoot();
    const image = join(root, 'RoluATM-0.1.0-arm64.AppImage');
    mkdirSync(join(root, 'var/lib/roluatm/releases'), { recursive: true });
    writeFileSync(join(root, 'var/lib/roluatm/releases/current.AppImage'), readFileSync(image));
    const out = run(INSTALL, ['--root', root, '--appimage', image]);
    expect(out).toContain('already the running version');
    expect(existsSync(join(root, 'var/lib/roluatm/releases/pending.AppImage'))).toBe(false);
  });

  it('writes the hopper dispense form and the update feed into kiosk.env, and refuses bad ones', () => {
    const root = tempRoot();
    const image = join(root, 'RoluATM-0.1.0-arm64.AppImage');
    run(INSTALL, ['--root', root, '--appimage', image, '--dispense-form', 'cipher8', '--update-url', 'https://updates.example/roluatm']);
    const env = read(root, 'etc/roluatm/kiosk.env');
    expect(env).toMatch(/^HOPPER_DISPENSE_FORM=cipher8$/m);
    expect(env).toMatch(/^ROLUATM_UPDATE_URL=https:\/\/updates.example\/roluatm$/m);
    const bad = spawnSync('bash', [INSTALL, '--root', root, '--appimage', image, '--dispense-form', 'encrypted'], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--dispense-form must be serial or cipher8');
  });

  it('refuses bad options with a message and no changes', () => {
    const root = tempRoot();
    const r = spawnSync('bash', [INSTALL, '--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage'), '--usb-id', 'nope'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--usb-id must look like 0403:6001');
    expect(existsSync(join(root, 'opt'))).toBe(false);
    const noImage = spawnSync('bash', [INSTALL, '--root', root], { encoding: 'utf8' });
    expect(noImage.stderr).toContain('--appimage PATH is required');
  });

  it('uninstalls everything but the configuration and the payout journal', () => {
    const root = tempRoot();
    run(INSTALL, ['--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage')]);
    writeFileSync(join(root, 'var/lib/roluatm/kiosk.sqlite'), 'journal');
    run(UNINSTALL, ['--root', root]);
    expect(existsSync(join(root, 'opt/roluatm'))).toBe(false);
    expect(existsSync(join(root, 'var/lib/roluatm/releases'))).toBe(false);
    expect(existsSync(join(root, 'etc/systemd/user/roluatm.service'))).toBe(false);
    expect(existsSync(join(root, 'etc/udev/rules.d/99-roluatm-hopper.rules'))).toBe(false);
    expect(read(root, 'boot/firmware/config.txt')).toBe('arm_64bit=1\n');
    expect(read(root, 'var/lib/roluatm/kiosk.sqlite')).toBe('journal');
    expect(existsSync(join(root, 'etc/roluatm/kiosk.env'))).toBe(true);
  });
});

describe('systemd unit', () => {
  const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

  /** systemd-analyze checks ExecStart exists, so the copy points at the launcher installed under the temp root. */
  function verify(root: string, unitText: string): { status: number | null; output: string } {
    const dir = join(root, 'verify');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'roluatm.service');
    writeFileSync(file, unitText.replaceAll('/opt/roluatm/', `${root}/opt/roluatm/`).replaceAll('/etc/roluatm/', `${root}/etc/roluatm/`));
    chmodSync(join(root, 'opt/roluatm/bin/roluatm-launch'), 0o755);
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  it('passes systemd-analyze verify (or says plainly that it could not be run)', () => {
    if (!hasAnalyze) {
      console.info('systemd-analyze not found: the unit was not verified');
      expect(readFileSync('build/roluatm.service', 'utf8')).toMatch(/^Restart=always$/m);
      return;
    }
    const root = tempRoot();
    run(INSTALL, ['--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage')]);
    const r = verify(root, read(root, 'etc/systemd/user/roluatm.service'));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('would be caught by that verification if a setting were malformed', () => {
    if (!hasAnalyze) {
      console.info('systemd-analyze not found: the negative check was not run');
      expect(hasAnalyze).toBe(false);
      return;
    }
    const root = tempRoot();
    run(INSTALL, ['--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage')]);
    const r = verify(root, read(root, 'etc/systemd/user/roluatm.service').replace(/^WatchdogSec=.*$/m, 'WatchdogSec=soon'));
    expect(r.output).toMatch(/Failed to parse/);
  });
});
