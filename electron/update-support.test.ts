import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeBuildInfo, readBuildInfo } from './build-info';
import { parseShellUpdateConfig } from './update-config';
import { fakeAppImage } from '../test/support/fake-appimage';
import { confirmTrial, stagePending, trialVersion } from './update-slots';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'roluatm-upd-'));
  dirs.push(d);
  return d;
}

describe('stagePending', () => {
  it('stages the verified file unpacked, with its hex sha512 and version, the AppImage last', async () => {
    const dir = tmp();
    const app = fakeAppImage('0.2.0');
    writeFileSync(join(dir, 'dl'), app);
    const sha = createHash('sha512').update(app);
    await stagePending(dir, { file: join(dir, 'dl'), version: '0.2.0', sha512Base64: sha.copy().digest('base64'), size: Buffer.byteLength(app) });
    expect(readFileSync(join(dir, 'pending.AppImage'), 'utf8')).toBe(app);
    expect(existsSync(join(dir, 'pending', 'AppRun'))).toBe(true);
    expect(readFileSync(join(dir, 'pending.sha512'), 'utf8')).toBe(`${sha.digest('hex')}\n`);
    expect(readFileSync(join(dir, 'pending.version'), 'utf8')).toBe('0.2.0\n');
  });

  it('refuses and removes a copy that does not match the sha512 it was announced with', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'dl'), 'tampered');
    const announced = createHash('sha512').update('original').digest('base64');
    await expect(stagePending(dir, { file: join(dir, 'dl'), version: '0.2.0', sha512Base64: announced })).rejects.toMatchObject({ code: 'stage_sha512_mismatch' });
    expect(existsSync(join(dir, 'pending.AppImage'))).toBe(false);
    expect(existsSync(join(dir, 'pending.AppImage.tmp'))).toBe(false);
  });

  it('refuses a copy whose size differs from the signed size', async () => {
    const dir = tmp();
    const app = fakeAppImage('0.2.0');
    writeFileSync(join(dir, 'dl'), app);
    const sha = createHash('sha512').update(app).digest('base64');
    await expect(stagePending(dir, { file: join(dir, 'dl'), version: '0.2.0', sha512Base64: sha, size: 1 })).rejects.toMatchObject({ code: 'stage_sha512_mismatch' });
    expect(existsSync(join(dir, 'pending.AppImage'))).toBe(false);
  });

  it('discards an update that does not unpack, leaving nothing the launcher would promote', async () => {
    const dir = tmp();
    const app = fakeAppImage('0.2.0', false);
    writeFileSync(join(dir, 'dl'), app);
    const sha = createHash('sha512').update(app).digest('base64');
    await expect(stagePending(dir, { file: join(dir, 'dl'), version: '0.2.0', sha512Base64: sha })).rejects.toMatchObject({ code: 'stage_unpack_failed' });
    for (const f of ['pending.AppImage', 'pending.AppImage.tmp', 'pending', 'pending.unpack', 'pending.version']) expect(existsSync(join(dir, f))).toBe(false);
  });
});

describe('trial bookkeeping', () => {
  it('reads the trial version from the launcher and confirms only that version', () => {
    const dir = tmp();
    expect(trialVersion({})).toBeNull();
    expect(trialVersion({ ROLUATM_TRIAL: '0.2.0' })).toBe('0.2.0');
    writeFileSync(join(dir, 'trial'), '0.2.0 1\n');
    expect(confirmTrial(dir, '0.1.0')).toBe(false);
    expect(existsSync(join(dir, 'trial'))).toBe(true);
    expect(confirmTrial(dir, '0.2.0')).toBe(true);
    expect(confirmTrial(dir, '0.2.0')).toBe(false);
  });
});

describe('build info', () => {
  const now = new Date('2026-11-25T16:40:12Z');

  it('stamps version, time and commit, or the id CI gives', () => {
    expect(makeBuildInfo({ version: '0.1.0', now, gitSha: 'abc12345', env: {} }).build).toBe('0.1.0+202611251640.abc12345');
    expect(makeBuildInfo({ version: '0.1.0', now, gitSha: null, env: {} }).build).toBe('0.1.0+202611251640.nogit');
    expect(makeBuildInfo({ version: '0.1.0', now, gitSha: 'x', env: { ROLUATM_BUILD_ID: 'ci-4711' } }).build).toBe('ci-4711');
    expect(() => makeBuildInfo({ version: '0.1.0', now, gitSha: 'x', env: { ROLUATM_BUILD_ID: 'a b;rm' } })).toThrow(/build/);
  });

  it('reads a packed build-info.json and ignores a missing or malformed one', () => {
    const dir = tmp();
    const info = makeBuildInfo({ version: '0.1.0', now, gitSha: 'abc', env: {} });
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(info));
    writeFileSync(join(dir, 'bad.json'), '{"version":1}');
    expect(readBuildInfo(join(dir, 'ok.json'))).toEqual(info);
    expect(readBuildInfo(join(dir, 'bad.json'))).toBeNull();
    expect(readBuildInfo(join(dir, 'none.json'))).toBeNull();
  });
});

describe('parseShellUpdateConfig', () => {
  it('leaves updates off without a feed and uses the launcher layout by default', () => {
    const c = parseShellUpdateConfig({ ROLUATM_UPDATE_URL: '' });
    expect(c).toMatchObject({ feedUrl: null, releasesDir: '/var/lib/roluatm/releases', trial: { deadlineMs: 90_000, tolerateOffline: true } });
  });

  it('reads the feed, schedule and health settings, and names a bad variable', () => {
    const c = parseShellUpdateConfig({ ROLUATM_UPDATE_URL: 'https://u.example/r', ROLUATM_UPDATE_CHECK_MIN: '30', ROLUATM_HEALTH_REQUIRE_CLOUD: 'on' });
    expect(c).toMatchObject({ feedUrl: 'https://u.example/r', policy: { checkEveryMs: 1_800_000 }, trial: { tolerateOffline: false } });
    expect(() => parseShellUpdateConfig({ ROLUATM_UPDATE_CHECK_MIN: '1' })).toThrow(/ROLUATM_UPDATE_CHECK_MIN/);
  });
});
