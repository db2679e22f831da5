import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { confirmTrial, readBadVersions, stagePending } from '../electron/update-slots';

/**
 * build/roluatm-launch.sh against a temporary releases folder. The "AppImages" are shell scripts
 * that answer --appimage-extract like the AppImage runtime (a squashfs-root/AppRun in the current
 * folder); their AppRun prints what it was started with.
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

function fakeAppImage(version: string, extracts = true): string {
  if (!extracts) return '#!/bin/sh\nexit 1\n';
  return [
    '#!/bin/sh',
    '[ "$1" = "--appimage-extract" ] || exit 1',
    'mkdir -p squashfs-root',
    `printf '#!/bin/sh\\necho "ran ${version} appimage=$APPIMAGE trial=\${ROLUATM_TRIAL:-none} args=$*"\\n' > squashfs-root/AppRun`,
    'chmod +x squashfs-root/AppRun',
    '',
  ].join('\n');
}

/** Stages like install-pi.sh / the app do: image, hex sha512, version. */
function stage(dir: string, version: string, opts: { extracts?: boolean; sha512?: string } = {}): void {
  const body = fakeAppImage(version, opts.extracts);
  writeFileSync(join(dir, 'pending.sha512'), `${opts.sha512 ?? createHash('sha512').update(body).digest('hex')}\n`);
  writeFileSync(join(dir, 'pending.version'), `${version}\n`);
  writeFileSync(join(dir, 'pending.AppImage'), body);
}

function launch(dir: string, env: Record<string, string> = {}): { out: string; err: string; status: number | null } {
  const r = spawnSync('bash', [LAUNCH, '--extra'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ROLUATM_RELEASES_DIR: dir, ...env } });
  return { out: r.stdout.trim(), err: r.stderr, status: r.status };
}

const trial = (dir: string) => (existsSync(join(dir, 'trial')) ? readFileSync(join(dir, 'trial'), 'utf8').trim() : null);

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
    expect(trial(dir)).toBe('0.1.0 1');
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
    expect(trial(dir)).toBe('0.2.0 1');
  });

  it('rolls back to the kept version when the new one never confirms its health check', () => {
    const dir = releases();
    stage(dir, '0.1.0');
    launch(dir);
    confirmTrial(dir, '0.1.0');
    stage(dir, '0.2.0');
    expect(launch(dir).out).toContain('trial=0.2.0');
    expect(launch(dir).out).toContain('ran 0.2.0 ');
    expect(trial(dir)).toBe('0.2.0 2');
    const third = launch(dir);
    expect(third.out).toContain('ran 0.1.0 ');
    expect(third.out).toContain('trial=none');
    expect(third.err).toContain('rolling back to 0.1.0');
    expect(readBadVersions(dir)).toEqual(['0.2.0']);
    expect(trial(dir)).toBeNull();
    expect(launch(dir).out).toContain('ran 0.1.0 ');
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
