import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rawPublicKey, signRelease, type SignedRelease } from '../electron/release-signature';
import { confirmTrial, readBadVersions, stagePending } from '../electron/update-slots';
import { fakeAppImage } from '../test/support/fake-appimage';

/**
 * build/roluatm-launch.sh against a temporary releases folder, with fake AppImages
 * (test/support/fake-appimage.ts) and a boot id file the test changes to simulate a reboot.
 */
const LAUNCH = 'build/roluatm-launch.sh';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function releases(): string {
  const dir = mkdtempSync(join(tmpdir(), 'roluatm-releases-'));
  dirs.push(dir);
  return dir;
}

/** Stages like install-pi.sh / the app do: image, hex sha512, version. */
function stage(dir: string, version: string, opts: { extracts?: boolean; sha512?: string } = {}): void {
  const body = fakeAppImage(version, opts.extracts);
  writeFileSync(join(dir, 'pending.sha512'), `${opts.sha512 ?? createHash('sha512').update(body).digest('hex')}\n`);
  writeFileSync(join(dir, 'pending.version'), `${version}\n`);
  writeFileSync(join(dir, 'pending.AppImage'), body);
}

/** The boot id file of `dir`'s machine; `reboot` gives it a new one (as a power cut does). */
const bootIdFile = (dir: string) => `${dir}.boot_id`;
let boots = 0;
function reboot(dir: string): string {
  const id = `0000000${++boots}-aaaa-bbbb-cccc-dddddddddddd`;
  writeFileSync(bootIdFile(dir), `${id}\n`);
  return id.replaceAll('-', '');
}

function launch(dir: string, env: Record<string, string> = {}, args = ['--extra']): { out: string; err: string; status: number | null } {
  if (!existsSync(bootIdFile(dir))) {
    reboot(dir);
    dirs.push(bootIdFile(dir));
  }
  const r = spawnSync('bash', [LAUNCH, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ROLUATM_RELEASES_DIR: dir, ROLUATM_BOOT_ID_FILE: bootIdFile(dir), ...env } });
  return { out: r.stdout.trim(), err: r.stderr, status: r.status };
}

const trial = (dir: string) => (existsSync(join(dir, 'trial')) ? readFileSync(join(dir, 'trial'), 'utf8').trim() : null);
const bootId = (dir: string) => readFileSync(bootIdFile(dir), 'utf8').trim().replaceAll('-', '');

describe('roluatm-launch.sh', () => {
  it('passes shellcheck', () => {
    const r = spawnSync('shellcheck', ['--severity=style', LAUNCH], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
  });

  it('installs the first AppImage from the pending slot and runs it on trial with APPIMAGE set', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    const r = launch(dir);
    expect(r.out).toBe(`ran 0.1.0 appimage=${dir}/current.AppImage trial=0.1.0 args=--ozone-platform-hint=auto --extra`);
    expect(trial(dir)).toBe(`0.1.0 0 0 ${bootId(dir)}`);
    expect(existsSync(join(dir, 'pending.AppImage'))).toBe(false);
    expect(existsSync(join(dir, 'previous'))).toBe(false);
  });

  it('keeps the running version as previous when it promotes an update', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    launch(dir);
    expect(confirmTrial(dir, '0.1.0')).toBe(true);
    expect(launch(dir).out).toContain('ran 0.1.0 ');
    expect(launch(dir).out).toContain('trial=none');
    stage(dir, '0.2.0');
    expect(launch(dir).out).toContain('ran 0.2.0 ');
    expect(readFileSync(join(dir, 'previous.version'), 'utf8').trim()).toBe('0.1.0');
    expect(trial(dir)).toBe(`0.2.0 0 0 ${bootId(dir)}`);
  });

  it('rolls back to the kept version when the new one never confirms its health check', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    launch(dir);
    confirmTrial(dir, '0.1.0');
    stage(dir, '0.2.0');
    expect(launch(dir).out).toContain('trial=0.2.0');
    expect(launch(dir).out).toContain('ran 0.2.0 ');
    expect(trial(dir)).toBe(`0.2.0 1 0 ${bootId(dir)}`);
    const third = launch(dir);
    expect(third.out).toContain('ran 0.1.0 ');
    expect(third.out).toContain('trial=none');
    expect(third.err).toContain('rolling back to 0.1.0');
    expect(readBadVersions(dir)).toEqual(['0.2.0']);
    expect(trial(dir)).toBeNull();
    expect(launch(dir).out).toContain('ran 0.1.0 ');
  });

  it('does not count a start cut by a power loss as a failed start', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    launch(dir);
    confirmTrial(dir, '0.1.0');
    stage(dir, '0.2.0');
    launch(dir);
    // Power cut during the start; the machine boots again, three times over.
    for (let i = 1; i <= 3; i++) {
      const id = reboot(dir);
      const r = launch(dir);
      expect(r.out).toContain(`ran 0.2.0 appimage=${dir}/current.AppImage trial=0.2.0`);
      expect(trial(dir)).toBe(`0.2.0 0 ${i} ${id}`);
    }
    expect(readBadVersions(dir)).toEqual([]);
    // Then it reaches the app and passes its health check: it stays.
    expect(confirmTrial(dir, '0.2.0')).toBe(true);
    expect(launch(dir).out).toContain('ran 0.2.0 ');
  });

  it('counts a start that ran in this boot and never confirmed, even after a power cut before it', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    launch(dir);
    confirmTrial(dir, '0.1.0');
    stage(dir, '0.2.0');
    launch(dir);
    reboot(dir);
    launch(dir); // the start cut by the power loss is not counted
    launch(dir); // the one before ran in this boot and failed: 1
    expect(trial(dir)).toMatch(/^0\.2\.0 1 1 /);
    const r = launch(dir);
    expect(r.err).toContain('in 2 starts: rolling back to 0.1.0');
    expect(r.out).toContain('ran 0.1.0 ');
  });

  it('rolls back a version cut by a reboot in ROLUATM_TRIAL_REBOOTS starts in a row (it hangs the machine)', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    launch(dir);
    confirmTrial(dir, '0.1.0');
    stage(dir, '0.2.0');
    launch(dir, { ROLUATM_TRIAL_REBOOTS: '2' });
    reboot(dir);
    expect(launch(dir, { ROLUATM_TRIAL_REBOOTS: '2' }).out).toContain('ran 0.2.0 ');
    reboot(dir);
    const r = launch(dir, { ROLUATM_TRIAL_REBOOTS: '2' });
    expect(r.err).toContain('was cut by a reboot in 2 starts in a row: rolling back to 0.1.0');
    expect(r.out).toContain('ran 0.1.0 ');
    expect(readBadVersions(dir)).toEqual(['0.2.0']);
  });

  it('--prepare (ExecStartPre) promotes and unpacks a staged AppImage without starting the app or a trial start', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    const r = launch(dir, {}, ['--prepare']);
    expect(r.status).toBe(0);
    expect(r.out).toBe('');
    expect(existsSync(join(dir, 'current', 'AppRun'))).toBe(true);
    expect(trial(dir)).toBe('0.1.0 0 0 -');
    expect(launch(dir).out).toContain('ran 0.1.0 ');
    expect(trial(dir)).toBe(`0.1.0 0 0 ${bootId(dir)}`);
  });

  it('uses the folder the app unpacked at staging instead of unpacking at start', async () => {
    const dir = releases();
    const downloaded = join(dir, 'download.AppImage');
    writeFileSync(downloaded, fakeAppImage('0.3.0'));
    await stagePending(dir, { file: downloaded, version: '0.3.0', sha512Base64: createHash('sha512').update(fakeAppImage('0.3.0')).digest('base64') });
    expect(existsSync(join(dir, 'pending', 'AppRun'))).toBe(true);
    // An AppImage that cannot unpack any more: the start must not need to.
    writeFileSync(join(dir, 'pending', 'marker'), 'unpacked at staging');
    expect(launch(dir).out).toContain('ran 0.3.0 ');
    expect(readFileSync(join(dir, 'current', 'marker'), 'utf8')).toBe('unpacked at staging');
  });

  it('keeps a new version that confirmed its health check', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    launch(dir);
    confirmTrial(dir, '0.1.0');
    stage(dir, '0.2.0');
    launch(dir);
    expect(confirmTrial(dir, '0.2.0')).toBe(true);
    for (let i = 0; i < 3; i++) expect(launch(dir).out).toContain('ran 0.2.0 appimage');
    expect(readBadVersions(dir)).toEqual([]);
  });

  it('keeps running a first install that fails its trial when there is nothing to roll back to', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    for (let i = 0; i < 2; i++) launch(dir);
    const r = launch(dir);
    expect(r.out).toContain('ran 0.1.0 ');
    expect(r.err).toContain('no previous version to roll back to');
  });

  it('discards a pending AppImage whose sha512 does not match, and lists it as bad', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    launch(dir);
    confirmTrial(dir, '0.1.0');
    stage(dir, '0.2.0', { sha512: 'ab'.repeat(64) });
    const r = launch(dir);
    expect(r.out).toContain('ran 0.1.0 ');
    expect(r.err).toContain('does not match its sha512');
    expect(existsSync(join(dir, 'pending.AppImage'))).toBe(false);
    expect(readBadVersions(dir)).toEqual(['0.2.0']);
  });

  it('discards a pending AppImage that does not extract', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    launch(dir);
    confirmTrial(dir, '0.1.0');
    stage(dir, '0.2.0', { extracts: false });
    const r = launch(dir);
    expect(r.out).toContain('ran 0.1.0 ');
    expect(r.err).toContain('does not extract');
  });

  it('promotes what the app staged with stagePending (the sha512 hand-off between the two)', async () => {
    const dir = releases();
    const downloaded = join(dir, 'download.AppImage');
    const body = fakeAppImage('0.3.0');
    writeFileSync(downloaded, body);
    await stagePending(dir, { file: downloaded, version: '0.3.0', sha512Base64: createHash('sha512').update(body).digest('base64') });
    expect(launch(dir).out).toContain('ran 0.3.0 ');
  });

  it('refuses to start with a clear message when nothing is installed', () => {
    const r = launch(releases());
    expect(r.status).toBe(1);
    expect(r.err).toContain('run build/install-pi.sh --appimage FILE');
  });
});

describe('roluatm-launch.sh with release keys (it checks the signature itself)', () => {
  const operator = generateKeyPairSync('ed25519');
  const stranger = generateKeyPairSync('ed25519');
  const keys = { ROLUATM_RELEASE_KEYS: `${rawPublicKey(stranger.publicKey)}, ${rawPublicKey(operator.publicKey)}` };

  /** Stages as the app does after verifying the manifest: bytes, sha512, and the signed statement. */
  async function stageSigned(dir: string, version: string, signer = operator): Promise<Buffer> {
    const body = Buffer.from(fakeAppImage(version));
    const downloaded = join(dir, `download-${version}.AppImage`);
    writeFileSync(downloaded, body);
    const release: SignedRelease = { version, file: `RoluATM-${version}-arm64.AppImage`, sha512: createHash('sha512').update(body).digest('base64'), size: body.length };
    const { signature } = signRelease(signer.privateKey, signer.publicKey, release);
    await stagePending(dir, { file: downloaded, version, sha512Base64: release.sha512, size: release.size, signed: { release, signature } });
    return body;
  }

  async function installed(version: string): Promise<string> {
    const dir = releases();
    await stageSigned(dir, version);
    expect(launch(dir, keys).out).toContain(`ran ${version} `);
    confirmTrial(dir, version);
    return dir;
  }

  it('promotes an update signed by one of the keys and clears its signature files', async () => {
    const dir = await installed('0.1.0');
    await stageSigned(dir, '0.2.0');
    expect(launch(dir, keys).out).toContain('ran 0.2.0 ');
    expect(existsSync(join(dir, 'pending.release'))).toBe(false);
    expect(existsSync(join(dir, 'pending.sig'))).toBe(false);
  });

  it('refuses an unsigned AppImage in the pending slot and keeps the running version', async () => {
    const dir = await installed('0.1.0');
    stage(dir, '0.2.0');
    const r = launch(dir, keys);
    expect(r.out).toContain('ran 0.1.0 ');
    expect(r.err).toContain('pending 0.2.0 carries no release signature');
    expect(existsSync(join(dir, 'pending.AppImage'))).toBe(false);
    expect(readBadVersions(dir)).toEqual([]);
  });

  it('refuses an AppImage signed by a key the kiosk does not trust', async () => {
    const dir = await installed('0.1.0');
    const other = generateKeyPairSync('ed25519');
    await stageSigned(dir, '0.2.0', other);
    const r = launch(dir, keys);
    expect(r.out).toContain('ran 0.1.0 ');
    expect(r.err).toContain('pending 0.2.0 is not signed by a trusted release key');
  });

  it('refuses an AppImage changed after signing even when pending.sha512 was made to match it', async () => {
    const dir = await installed('0.1.0');
    const body = await stageSigned(dir, '0.2.0');
    const tampered = Buffer.concat([body, Buffer.from('\n# tampered\n')]);
    writeFileSync(join(dir, 'pending.AppImage'), tampered);
    writeFileSync(join(dir, 'pending.sha512'), `${createHash('sha512').update(tampered).digest('hex')}\n`);
    const r = launch(dir, keys);
    expect(r.out).toContain('ran 0.1.0 ');
    expect(r.err).toContain('does not match the release statement that was signed');
  });

  it('refuses a signed statement moved onto another version', async () => {
    const dir = await installed('0.1.0');
    await stageSigned(dir, '0.2.0');
    writeFileSync(join(dir, 'pending.version'), '0.9.0\n');
    const r = launch(dir, keys);
    expect(r.out).toContain('ran 0.1.0 ');
    expect(r.err).toContain('pending 0.9.0 does not match the release statement');
  });
});
