import type { Logger } from 'pino';
import type { Clock } from '../contract/clock';
import { trialVerdict, type HealthObservation, type TrialPolicy } from './update-health';
import { confirmTrial } from './update-slots';

/**
 * While this start is a trial (build/roluatm-launch.sh set ROLUATM_TRIAL), polls the start-up health
 * check (electron/update-health.ts). Healthy: the trial is confirmed and the version stays, then
 * `onDone(true)`. Failed by the deadline: `onDone(false)` — the caller quits gracefully, systemd
 * restarts the app, and the launcher rolls back once the version has used its starts.
 */
export function watchTrial(deps: {
  version: string;
  releasesDir: string;
  policy: TrialPolicy;
  clock: Clock;
  log: Logger;
  observe: () => Promise<HealthObservation>;
  onDone: (healthy: boolean) => void;
  everyMs?: number;
}): { stop(): void } {
  const started = deps.clock.now().getTime();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void deps
      .observe()
      .then((obs) => {
        const verdict = trialVerdict(obs, deps.clock.now().getTime() - started, deps.policy);
        if (verdict.kind === 'wait') return;
        clearInterval(timer);
        if (verdict.kind === 'healthy') {
          confirmTrial(deps.releasesDir, deps.version);
          deps.log.info({ version: deps.version, warnings: verdict.warnings }, 'new version passed its start-up health check; it stays');
          deps.onDone(true);
        } else {
          deps.log.fatal({ code: 'update_unhealthy', version: deps.version, missing: verdict.missing }, 'new version failed its start-up health check; restarting so the launcher can roll back');
          deps.onDone(false);
        }
      })
      .catch((err: unknown) => deps.log.error({ err, code: 'trial_observe_failed' }, 'could not read the kiosk state for the health check'))
      .finally(() => (busy = false));
  }, deps.everyMs ?? 2_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
