import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { KioskState } from '../contract/kiosk-api';
import { verifyManifest, type ReleaseRefusal, type SignedRelease } from './release-signature';

/**
 * When the kiosk may check, download and install an update (issue 7 "Packaging": applied only when
 * no customer session or payout is active). Pure: electron/updater.ts feeds it the clock, the
 * updater's phase and the core's KioskState, and does what it answers.
 *
 * Rules:
 * - Check every `checkEveryMs` (first check `firstCheckAfterMs` after start, so a fresh start can
 *   pass its health check first); never while a check or download runs.
 * - Download only a version newer than the running one and never one that failed its start-up
 *   health check here before (the launcher lists it in `bad-versions`).
 * - Install only while the customer screen is idle and no admin session is open; otherwise defer
 *   and ask again. Installing quits the app through the quit coordinator, whose stop waits for
 *   any payout the job receiver started (main/kiosk-app.ts stop), so a payout is never cut.
 * - Metadata without a well-formed sha512 for the file is refused (electron-updater verifies the
 *   downloaded bytes against it; without it there is nothing to verify).
 * - Metadata not signed by a trusted release key is refused before anything is downloaded
 *   (electron/release-signature.ts); the signature is checked before any other field is believed.
 */
export interface UpdatePolicy {
  firstCheckAfterMs: number;
  checkEveryMs: number;
}

export const DEFAULT_UPDATE_POLICY: UpdatePolicy = { firstCheckAfterMs: 5 * 60_000, checkEveryMs: 60 * 60_000 };

export type UpdaterPhase =
  | { kind: 'idle'; lastCheckAtMs: number | null }
  | { kind: 'checking' }
  | { kind: 'downloading'; version: string }
  | { kind: 'downloaded'; version: string }
  | { kind: 'installing'; version: string };

export type DeferReason = 'customer_session' | 'admin_open' | 'state_unknown';

export type UpdateStep =
  | { kind: 'wait'; untilMs: number | null }
  | { kind: 'check' }
  | { kind: 'install'; version: string }
  | { kind: 'defer'; version: string; reason: DeferReason };

/** Safe to install now? Only with the customer screen idle and no technician at the admin screen. */
export function installBlocker(state: KioskState | null): DeferReason | null {
  if (state === null) return 'state_unknown';
  if (state.admin_open) return 'admin_open';
  if (state.flow.screen !== 'idle') return 'customer_session';
  return null;
}

export function nextUpdateStep(input: { phase: UpdaterPhase; nowMs: number; startedAtMs: number; state: KioskState | null; policy?: UpdatePolicy }): UpdateStep {
  const policy = input.policy ?? DEFAULT_UPDATE_POLICY;
  const { phase, nowMs } = input;
  switch (phase.kind) {
    case 'idle': {
      const due = phase.lastCheckAtMs === null ? input.startedAtMs + policy.firstCheckAfterMs : phase.lastCheckAtMs + policy.checkEveryMs;
      return nowMs >= due ? { kind: 'check' } : { kind: 'wait', untilMs: due };
    }
    case 'downloaded': {
      const reason = installBlocker(input.state);
      return reason === null ? { kind: 'install', version: phase.version } : { kind: 'defer', version: phase.version, reason };
    }
    default:
      return { kind: 'wait', untilMs: null };
  }
}

const Semver = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** -1, 0, 1 by semver precedence of the release part; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const pa = Semver.exec(a);
  const pb = Semver.exec(b);
  if (!pa || !pb) throw Object.assign(new Error(`not a version: ${pa ? b : a}`), { code: 'version_invalid' });
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

/** sha512 as electron-builder writes it into latest-linux*.yml: base64 of 64 bytes. */
const Sha512Base64 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'a base64 sha512 (88 characters)');

export const UpdateInfoSchema = z.object({
  version: z.string().regex(Semver, 'a semantic version'),
  files: z.array(z.object({ url: z.string().min(1), sha512: Sha512Base64, size: z.number().int().positive().optional() })).min(1),
  releaseDate: z.string().optional(),
});
export type CheckedUpdateInfo = z.infer<typeof UpdateInfoSchema>;

export type DownloadDecision =
  | { download: true; info: CheckedUpdateInfo; release: SignedRelease; keyId: string; signature: string }
  | { download: false; reason: 'not_newer' | 'known_bad' | ReleaseRefusal; detail: string };

/**
 * Whether to download what the update server offers: signed by one of `keys` first, then checked
 * with zod, never a version marked bad here, only a newer one.
 */
export function downloadDecision(offered: unknown, running: string, badVersions: readonly string[], keys: readonly KeyObject[]): DownloadDecision {
  const signed = verifyManifest(offered, keys);
  if (!signed.ok) return { download: false, reason: signed.reason, detail: signed.detail };
  const parsed = UpdateInfoSchema.safeParse(offered);
  if (!parsed.success) return { download: false, reason: 'metadata_invalid', detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const info = parsed.data;
  if (badVersions.includes(info.version)) return { download: false, reason: 'known_bad', detail: `${info.version} failed its start-up health check here before` };
  if (compareVersions(info.version, running) <= 0) return { download: false, reason: 'not_newer', detail: `${info.version} is not newer than ${running}` };
  return { download: true, info, release: signed.release, keyId: signed.keyId, signature: signed.signature };
}

/** The updater settings electron/updater.ts applies; `updaterSettingsProblems` says what is unsafe. */
export interface UpdaterSettings {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  feedUrl: string;
  releaseKeys: number;
}

export function updaterSettingsProblems(s: UpdaterSettings): string[] {
  const problems: string[] = [];
  if (s.releaseKeys === 0) problems.push('ROLUATM_RELEASE_KEYS is empty: without a release public key no update can be verified');
  if (s.autoDownload) problems.push('autoDownload must be off: the policy decides what to download');
  if (s.autoInstallOnAppQuit) problems.push('autoInstallOnAppQuit must be off: the launcher installs, with rollback');
  if (s.allowDowngrade) problems.push('allowDowngrade must be off: a downgrade is a rollback, which the launcher does');
  if (!/^https:\/\//.test(s.feedUrl) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(s.feedUrl)) {
    problems.push('the update feed must be https (or loopback http for tests)');
  }
  return problems;
}
