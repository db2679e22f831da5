import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { releaseStatement, type SignedRelease } from './release-signature';

/**
 * The release slots the launcher (build/roluatm-launch.sh) and the app share, in
 * ROLUATM_RELEASES_DIR (default /var/lib/roluatm/releases, owned by the kiosk user):
 *   current.AppImage + current/      the running version (extracted, no FUSE needed)
 *   previous.AppImage + previous/    the one before, kept for rollback
 *   pending.AppImage, pending.sha512 (hex), pending.version   staged by the app, promoted by the launcher
 *   pending.release + pending.sig    the signed release statement (electron/release-signature.ts) and its
 *                                    base64 Ed25519 signature: the launcher checks them again itself
 *   pending/                         the staged AppImage unpacked, so no start has to unpack it
 *   trial                            "<version> <failed> <interrupted> <boot id>" while the current version is unconfirmed
 *   bad-versions                     versions that failed their start-up health check (one a line)
 * The app only ever writes pending.* (last: pending.AppImage, by rename) and removes `trial`.
 */
export class UpdateSlotError extends Error {
  constructor(
    readonly code: 'stage_sha512_mismatch' | 'stage_failed' | 'stage_unpack_failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpdateSlotError';
  }
}

export function readBadVersions(dir: string): string[] {
  try {
    return readFileSync(join(dir, 'bad-versions'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  } catch {
    return [];
  }
}

export function sha512File(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    createReadStream(path).on('error', reject).on('data', (c) => hash.update(c)).on('end', () => resolve(hash.digest()));
  });
}

/**
 * Copies a downloaded AppImage into the pending slot, checking the copy's size and sha512 against
 * the signed release (electron/release-signature.ts); the launcher checks the sha512 again before
 * promoting it. A mismatch is discarded. The verified copy is unpacked into pending/ here, while the
 * kiosk runs, so the launcher only renames folders at the next start; pending.AppImage is written
 * last, so a power cut while staging leaves nothing the launcher would promote.
 */
export interface StagedUpdate {
  file: string;
  version: string;
  sha512Base64: string;
  size?: number;
  /** The release statement the operator's key signed and its signature, for the launcher's own check. */
  signed?: { release: SignedRelease; signature: string };
}

export async function stagePending(dir: string, update: StagedUpdate): Promise<string> {
  const target = join(dir, 'pending.AppImage');
  const tmp = `${target}.tmp`;
  try {
    copyFileSync(update.file, tmp);
  } catch (cause) {
    throw new UpdateSlotError('stage_failed', `cannot copy the update into ${dir}; check that the kiosk user owns it`, { cause });
  }
  const digest = await sha512File(tmp);
  if (digest.toString('base64') !== update.sha512Base64 || (update.size !== undefined && statSync(tmp).size !== update.size)) {
    rmSync(tmp, { force: true });
    throw new UpdateSlotError('stage_sha512_mismatch', `the staged copy of ${update.version} does not match its signed sha512 and size; it was discarded and will be downloaded again`);
  }
  await unpack(tmp, dir, update.version);
  if (update.signed) {
    writeFileSync(join(dir, 'pending.release'), releaseStatement(update.signed.release));
    writeFileSync(join(dir, 'pending.sig'), `${update.signed.signature}\n`);
  } else {
    rmSync(join(dir, 'pending.release'), { force: true });
    rmSync(join(dir, 'pending.sig'), { force: true });
  }
  writeFileSync(join(dir, 'pending.sha512'), `${digest.toString('hex')}\n`);
  writeFileSync(join(dir, 'pending.version'), `${update.version}\n`);
  renameSync(tmp, target);
  return target;
}

/** Runs the AppImage's own `--appimage-extract` in a work folder and moves the result to pending/. */
async function unpack(image: string, dir: string, version: string): Promise<void> {
  const work = join(dir, 'pending.unpack');
  rmSync(join(dir, 'pending'), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  try {
    chmodSync(image, 0o755);
    await promisify(execFile)(image, ['--appimage-extract'], { cwd: work, maxBuffer: 64 * 1024 * 1024 });
    if (!existsSync(join(work, 'squashfs-root', 'AppRun'))) throw new Error('no AppRun in the unpacked AppImage');
    renameSync(join(work, 'squashfs-root'), join(dir, 'pending'));
  } catch (cause) {
    rmSync(image, { force: true });
    throw new UpdateSlotError('stage_unpack_failed', `the update ${version} does not unpack; it was discarded`, { cause });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The launcher puts the version on trial in ROLUATM_TRIAL; null when this start is not a trial. */
export function trialVersion(env: Record<string, string | undefined>): string | null {
  const v = env['ROLUATM_TRIAL'];
  return v !== undefined && /^\S{1,64}$/.test(v) ? v : null;
}

/** The running version passed its health check: it stays. True when a trial was confirmed. */
export function confirmTrial(dir: string, version: string): boolean {
  const file = join(dir, 'trial');
  if (!existsSync(file)) return false;
  const [onTrial] = readFileSync(file, 'utf8').trim().split(/\s+/);
  if (onTrial !== version) return false;
  rmSync(file, { force: true });
  return true;
}
