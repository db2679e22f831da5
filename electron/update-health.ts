import type { KioskState } from '../contract/kiosk-api';

/**
 * The start-up health check a freshly installed version must pass before it is kept (issue 7:
 * "the previous AppImage kept for rollback when the new one fails its start-up health check").
 * Pure. electron/main.ts polls it while the launcher says this start is a trial (ROLUATM_TRIAL);
 * `healthy` confirms the version (electron/update-slots.ts confirmTrial), `failed` quits the app
 * gracefully so systemd restarts it and build/roluatm-launch.sh rolls back to the kept AppImage.
 *
 * Checks, all within `deadlineMs` of the start:
 * - core: the kiosk core booted (main/boot.ts) and answers getState;
 * - renderer: the kiosk page finished loading;
 * - hopper: opened, or its failure cleanly reported by the core (a fault code in the state). A
 *   hopper not yet read at all (not connected, no fault) is not an answer yet;
 * - cloud: reachable (state.online), or, when `tolerateOffline`, unreachable at the deadline — a
 *   network outage must not roll back a good build. Without `tolerateOffline` it must be reached.
 */
export interface HealthObservation {
  coreStarted: boolean;
  rendererLoaded: boolean;
  state: KioskState | null;
}

export interface TrialPolicy {
  deadlineMs: number;
  tolerateOffline: boolean;
}

export type HealthCheck = 'core' | 'renderer' | 'hopper' | 'cloud';

export type TrialVerdict =
  | { kind: 'healthy'; warnings: HealthCheck[] }
  | { kind: 'wait'; missing: HealthCheck[] }
  | { kind: 'failed'; missing: HealthCheck[] };

export function missingChecks(obs: HealthObservation): HealthCheck[] {
  const missing: HealthCheck[] = [];
  const s = obs.state;
  if (!obs.coreStarted || s === null) missing.push('core');
  if (!obs.rendererLoaded) missing.push('renderer');
  if (s === null || (!s.hopper.connected && s.hopper.faults.length === 0)) missing.push('hopper');
  if (s === null || !s.online) missing.push('cloud');
  return missing;
}

export function trialVerdict(obs: HealthObservation, elapsedMs: number, policy: TrialPolicy): TrialVerdict {
  const missing = missingChecks(obs);
  if (missing.length === 0) return { kind: 'healthy', warnings: [] };
  if (elapsedMs < policy.deadlineMs) return { kind: 'wait', missing };
  if (policy.tolerateOffline && missing.length === 1 && missing[0] === 'cloud') return { kind: 'healthy', warnings: ['cloud'] };
  return { kind: 'failed', missing };
}
