import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const INSTALL = 'build/install-pi.sh';
const UNINSTALL = 'build/uninstall-pi.sh';
const dirs: string[] = [];
/** The lines Raspberry Pi OS Bookworm's /etc/lightdm/lightdm.conf sets for its desktop session. */
const LIGHTDM_CONF = '[Seat:*]\ngreeter-session=pi-greeter-labwc\nuser-session=LXDE-pi-labwc\nautologin-user=pi\nautologin-session=LXDE-pi-labwc\n';

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'roluatm-root-'));
  dirs.push(root);
  mkdirSync(join(root, 'boot/firmware'), { recursive: true });
  writeFileSync(join(root, 'boot/firmware/config.txt'), 'arm_64bit=1\n');
  writeFileSync(join(root, 'RoluATM-0.1.0-arm64.AppImage'), '#!/bin/sh\necho not really an AppImage\n');
  mkdirSync(join(root, 'etc/lightdm'), { recursive: true });
  writeFileSync(join(root, 'etc/lightdm/lightdm.conf'), LIGHTDM_CONF);
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
    const out = run(INSTALL, ['--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage'), '--usb-id', '10c4:ea60', '--hopper-serial', 'A10K3XYZ', '--cloud-url', 'https://cloud.example', '--hopper-address', '3']);
    expect(out).not.toContain('no hopper serial number');
    expect(statSync(join(root, 'var/lib/roluatm/releases/pending.AppImage')).mode & 0o111).not.toBe(0);
    expect(read(root, 'var/lib/roluatm/releases/pending.version')).toBe('0.1.0\n');
    expect(read(root, 'var/lib/roluatm/releases/pending.sha512')).toBe(`${createHash('sha512').update(read(root, 'RoluATM-0.1.0-arm64.AppImage')).digest('hex')}\n`);
    expect(read(root, 'opt/roluatm/bin/roluatm-launch')).toBe(readFileSync('build/roluatm-launch.sh', 'utf8'));
    const unit = read(root, 'etc/systemd/user/roluatm.service');
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^WatchdogSec=\d+$/m);
    expect(unit).toMatch(/^Type=notify$/m);
    expect(unit).toMatch(/^ExecStart=\/opt\/roluatm\/bin\/roluatm-launch$/m);
    expect(unit).toMatch(/^ExecStartPre=\/opt\/roluatm\/bin\/roluatm-launch --prepare$/m);
    expect(unit).toMatch(/^PartOf=graphical-session\.target$/m);
    expect(unit).toMatch(/^After=graphical-session\.target$/m);
    expect(read(root, 'etc/systemd/user/roluatm-kiosk-session.target')).toMatch(/^BindsTo=graphical-session\.target$/m);
    const rule = read(root, 'etc/udev/rules.d/99-roluatm-hopper.rules');
    expect(rule).toMatch(/^SUBSYSTEM=="tty", ATTRS\{idVendor\}=="10c4", ATTRS\{idProduct\}=="ea60", ATTRS\{serial\}=="A10K3XYZ", SYMLINK\+="roluatm-hopper", GROUP="dialout", MODE="0660", ENV\{ID_MM_DEVICE_IGNORE\}="1"$/m);
    expect(rule.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toHaveLength(1);
    // The dedicated kiosk session: labwc with its own config folder, nothing from the desktop's.
    expect(read(root, 'opt/roluatm/bin/roluatm-kiosk-session')).toMatch(/^labwc -C \/etc\/roluatm\/labwc$/m);
    expect(read(root, 'usr/share/wayland-sessions/roluatm-kiosk.desktop')).toMatch(/^Exec=\/opt\/roluatm\/bin\/roluatm-kiosk-session$/m);
    expect(read(root, 'etc/roluatm/labwc/autostart')).toContain('/opt/roluatm/bin/roluatm-session');
    expect(read(root, 'opt/roluatm/bin/roluatm-session')).toMatch(/systemctl --user start roluatm-kiosk-session\.target$/m);
    expect(existsSync(join(root, 'home/roluatm/.config/labwc/autostart'))).toBe(false);
    expect(read(root, 'etc/lightdm/lightdm.conf.d/50-roluatm.conf')).toMatch(/^autologin-user=roluatm\nautologin-user-timeout=0\nautologin-session=roluatm-kiosk$/m);
    expect(read(root, 'etc/lightdm/lightdm.conf')).toBe('[Seat:*]\ngreeter-session=pi-greeter-labwc\nuser-session=roluatm-kiosk\nautologin-user=roluatm\nautologin-session=roluatm-kiosk\n');
    const spawnXml = spawnSync('xmllint', ['--noout', join(root, 'etc/roluatm/labwc/rc.xml')], { encoding: 'utf8' });
    if (!spawnXml.error) expect(spawnXml.status).toBe(0);
    expect(read(root, 'etc/systemd/journald.conf.d/roluatm.conf')).toMatch(/^Storage=persistent\nSystemMaxUse=200M\nRuntimeMaxUse=64M$/m);
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
    const firstOut = run(INSTALL, args);
    expect(snapshot(root)).toEqual(first);
    expect(run(INSTALL, args)).toBe(firstOut);
    expect(snapshot(root)).toEqual(first);
    run(INSTALL, ['--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage')]);
    expect(read(root, 'etc/roluatm/kiosk.env')).toMatch(/^CLOUD_URL=https:\/\/cloud.example$/m);
  });

  it('without a serial number (none given, none detectable under --root) matches the USB id alone and says so', () => {
    const root = tempRoot();
    const out = run(INSTALL, ['--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage')]);
    expect(out).toContain('no hopper serial number');
    const rule = read(root, 'etc/udev/rules.d/99-roluatm-hopper.rules');
    expect(rule).toMatch(/^SUBSYSTEM=="tty", ATTRS\{idVendor\}=="0403", ATTRS\{idProduct\}=="6001", SYMLINK\+="roluatm-hopper", GROUP="dialout", MODE="0660", ENV\{ID_MM_DEVICE_IGNORE\}="1"$/m);
    const bad = spawnSync('bash', [INSTALL, '--root', root, '--appimage', join(root, 'RoluATM-0.1.0-arm64.AppImage'), '--hopper-serial', 'a"b'], { encoding: 'utf8' });
    expect(bad.stderr).toContain('--hopper-serial must be');
  });

  it('--read-only-root keeps the journal in memory, and is refused while the payout journal has no writable mount of its own', () => {
    const root = tempRoot();
    const image = join(root, 'RoluATM-0.1.0-arm64.AppImage');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/fstab'), 'PARTUUID=1-02  /  ext4  defaults,noatime  0  1\n');
    const refused = spawnSync('bash', [INSTALL, '--root', root, '--appimage', image, '--read-only-root'], { encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('needs /var/lib/roluatm on its own writable partition');
    expect(existsSync(join(root, 'opt'))).toBe(false);
    writeFileSync(join(root, 'etc/fstab'), 'PARTUUID=1-02  /  ext4  defaults,noatime  0  1\nPARTUUID=1-03  /var/lib/roluatm  ext4  defaults,noatime,sync  0  2\n');
    const out = run(INSTALL, ['--root', root, '--appimage', image, '--read-only-root']);
    expect(out).toContain('skip (not /): raspi-config nonint do_overlayfs 0');
    expect(read(root, 'etc/systemd/journald.conf.d/roluatm.conf')).toMatch(/^Storage=volatile\nRuntimeMaxUse=64M$/m);
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

  it('stages the signed release statement beside the AppImage, and refuses an unsigned one once release keys are set', () => {
    const root = tempRoot();
    const image = join(root, 'RoluATM-0.1.0-arm64.AppImage');
    const keys = ['--release-keys', 'A'.repeat(43)];
    const unsigned = spawnSync('bash', [INSTALL, '--root', root, '--appimage', image, ...keys], { encoding: 'utf8' });
    expect(unsigned.status).not.toBe(0);
    expect(unsigned.stderr).toContain('has no .release and .sig beside it');
    expect(existsSync(join(root, 'opt'))).toBe(false);
    writeFileSync(`${image}.release`, 'roluatm-release-v1\nversion=0.1.0\n');
    writeFileSync(`${image}.sig`, 'c2ln\n');
    run(INSTALL, ['--root', root, '--appimage', image, ...keys]);
    expect(read(root, 'var/lib/roluatm/releases/pending.release')).toBe('roluatm-release-v1\nversion=0.1.0\n');
    expect(read(root, 'var/lib/roluatm/releases/pending.sig')).toBe('c2ln\n');
    // Keys kept in kiosk.env by the first run: a later unsigned AppImage is refused without --release-keys too.
    const next = join(root, 'RoluATM-0.2.0-arm64.AppImage');
    writeFileSync(next, '#!/bin/sh\necho 0.2.0\n');
    const later = spawnSync('bash', [INSTALL, '--root', root, '--appimage', next], { encoding: 'utf8' });
    expect(later.status).not.toBe(0);
    expect(later.stderr).toContain('with ROLUATM_RELEASE_KEYS set the kiosk installs only signed releases');
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
    // The desktop session is back exactly as it was.
    expect(read(root, 'etc/lightdm/lightdm.conf')).toBe(LIGHTDM_CONF);
    for (const f of ['etc/lightdm/lightdm.conf.roluatm-orig', 'etc/lightdm/lightdm.conf.d/50-roluatm.conf', 'usr/share/wayland-sessions/roluatm-kiosk.desktop', 'etc/roluatm/labwc', 'etc/systemd/user/roluatm-kiosk-session.target']) {
      expect(existsSync(join(root, f)), f).toBe(false);
    }
    expect(read(root, 'var/lib/roluatm/kiosk.sqlite')).toBe('journal');
    expect(existsSync(join(root, 'etc/roluatm/kiosk.env'))).toBe(true);
  });
});

describe('systemd unit', () => {
  const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

  /**
   * systemd-analyze checks ExecStart exists, so the copy points at the launcher installed under the
   * temp root. User mode (it is a user unit: graphical-session.target exists only there), with the
   * session target beside it.
   */
  function verify(root: string, unitText: string): { status: number | null; output: string } {
    const dir = join(root, 'verify');
    mkdirSync(join(root, 'run'), { recursive: true, mode: 0o700 });
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'roluatm.service');
    writeFileSync(file, unitText.replaceAll('/opt/roluatm/', `${root}/opt/roluatm/`).replaceAll('/etc/roluatm/', `${root}/etc/roluatm/`));
    const target = join(dir, 'roluatm-kiosk-session.target');
    writeFileSync(target, read(root, 'etc/systemd/user/roluatm-kiosk-session.target'));
    chmodSync(join(root, 'opt/roluatm/bin/roluatm-launch'), 0o755);
    const r = spawnSync('systemd-analyze', ['--user', 'verify', file, target], { encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: join(root, 'run') } });
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
