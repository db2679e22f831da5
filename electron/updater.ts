import type { KeyObject } from 'node:crypto';
import updaterPkg from 'electron-updater';
import type { Logger } from 'pino';
import type { Clock } from '../contract/clock';
import type { KioskState } from '../contract/kiosk-api';
import { downloadDecision, nextUpdateStep, updaterSettingsProblems, type UpdatePolicy, type UpdaterPhase, type UpdaterSettings } from './update-policy';
import { readBadVersions, stagePending } from './update-slots';

/**
 * Runs the update policy (electron/update-policy.ts) with electron-updater's AppImageUpdater
 * (>= 6.6.4, ARM-to-ARM updates): check on schedule, refuse a manifest not signed by a trusted
 * release key (electron/release-signature.ts) before downloading, download a newer version, stage
 * it for the launcher only if its bytes match the signed sha512
 * (electron/update-slots.ts), and quit gracefully once the kiosk is idle. systemd restarts the
 * app; build/roluatm-launch.sh installs the staged AppImage and rolls back if it is unhealthy.
 * electron-updater never installs by itself here (autoInstallOnAppQuit off).
 */
export interface UpdaterDeps {
  feedUrl: string;
  releasesDir: string;
  currentVersion: string;
  /** Trusted Ed25519 release public keys (ROLUATM_RELEASE_KEYS). */
  releaseKeys: readonly KeyObject[];
  policy: UpdatePolicy;
  clock: Clock;
  log: Logger;
  getState: () => Promise<KioskState | null>;
  /** Graceful quit (the quit coordinator: waits for a payout in progress). */
  quit: () => void;
  tickMs?: number;
  /** Tests: an AppImageUpdater with a plain-Node app adapter and HTTP executor (no Electron here). */
  makeUpdater?: () => AppImageUpdaterType;
}

const { AppImageUpdater } = updaterPkg;
type AppImageUpdaterType = InstanceType<typeof AppImageUpdater>;

export const KIOSK_UPDATER_SETTINGS = (feedUrl: string, releaseKeys: number): UpdaterSettings => ({
  autoDownload: false,
  autoInstallOnAppQuit: false,
  allowDowngrade: false,
  allowPrerelease: false,
  feedUrl,
  releaseKeys,
});

function configureUpdater(updater: AppImageUpdaterType, settings: UpdaterSettings, log: Logger): void {
  updater.autoDownload = settings.autoDownload;
  updater.autoInstallOnAppQuit = settings.autoInstallOnAppQuit;
  updater.allowDowngrade = settings.allowDowngrade;
  updater.allowPrerelease = settings.allowPrerelease;
  const child = log.child({ part: 'updater' });
  updater.logger = { info: (m: unknown) => child.info(String(m)), warn: (m: unknown) => child.warn(String(m)), error: (m: unknown) => child.error(String(m)) };
  updater.setFeedURL({ provider: 'generic', url: settings.feedUrl });
}

/** Runs `tick` every `ms`, never two at once. */
function everyMs(ms: number, tick: () => Promise<void>): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void tick().finally(() => (running = false));
  }, ms);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

export function startUpdater(deps: UpdaterDeps): { stop(): void } {
  const settings = KIOSK_UPDATER_SETTINGS(deps.feedUrl, deps.releaseKeys.length);
  const problems = updaterSettingsProblems(settings);
  if (problems.length > 0) {
    deps.log.error({ code: 'updater_unsafe', problems }, 'automatic updates are off; fix ROLUATM_UPDATE_URL / ROLUATM_RELEASE_KEYS in /etc/roluatm/kiosk.env');
    return { stop: () => undefined };
  }
  const updater = deps.makeUpdater?.() ?? new AppImageUpdater();
  configureUpdater(updater, settings, deps.log);
  const startedAtMs = deps.clock.now().getTime();
  let phase: UpdaterPhase = { kind: 'idle', lastCheckAtMs: null };
  let lastDeferLog = '';

  async function checkAndStage(): Promise<void> {
    const checkedAt = deps.clock.now().getTime();
    phase = { kind: 'checking' };
    try {
      const result = await updater.checkForUpdates();
      const decision = downloadDecision(result?.updateInfo ?? null, deps.currentVersion, readBadVersions(deps.releasesDir), deps.releaseKeys);
      if (!decision.download) {
        if (decision.reason !== 'not_newer') deps.log.warn({ code: `update_${decision.reason}`, detail: decision.detail }, 'update offered but not taken');
        phase = { kind: 'idle', lastCheckAtMs: checkedAt };
        return;
      }
      const version = decision.info.version;
      phase = { kind: 'downloading', version };
      const files = await updater.downloadUpdate();
      const file = files.find((f) => f.endsWith('.AppImage'));
      if (file === undefined) throw Object.assign(new Error('electron-updater returned no AppImage'), { code: 'update_no_file' });
      // The bytes staged must match the sha512 the release key signed (not only the feed's).
      await stagePending(deps.releasesDir, { file, version, sha512Base64: decision.release.sha512, size: decision.release.size, signed: { release: decision.release, signature: decision.signature } });
      deps.log.info({ version, keyId: decision.keyId }, 'update downloaded, signature verified and staged; it installs when the kiosk is idle');
      phase = { kind: 'downloaded', version };
    } catch (err) {
      deps.log.warn({ err, code: (err as { code?: string }).code ?? 'update_failed' }, 'update check or download failed; trying again at the next check');
      phase = { kind: 'idle', lastCheckAtMs: checkedAt };
    }
  }

  async function tick(): Promise<void> {
    const state = phase.kind === 'downloaded' ? await deps.getState().catch(() => null) : null;
    const step = nextUpdateStep({ phase, nowMs: deps.clock.now().getTime(), startedAtMs, state, policy: deps.policy });
    if (step.kind === 'check') await checkAndStage();
    else if (step.kind === 'defer' && step.reason !== lastDeferLog) {
      lastDeferLog = step.reason;
      deps.log.info({ version: step.version, reason: step.reason }, 'update waits until the kiosk is idle');
    } else if (step.kind === 'install') {
      phase = { kind: 'installing', version: step.version };
      deps.log.info({ version: step.version }, 'restarting to install the update (the launcher keeps this version for rollback)');
      deps.quit();
    }
  }

  return everyMs(deps.tickMs ?? 30_000, tick);
}
