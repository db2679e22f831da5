import { describe, expect, it } from 'vitest';
import { KioskStateSchema, type KioskState } from '../contract/kiosk-api';
import { missingChecks, trialVerdict, type HealthObservation } from './update-health';

function state(over: { online?: boolean; hopper?: Partial<KioskState['hopper']> } = {}): KioskState {
  return KioskStateSchema.parse({
    flow: { screen: 'idle' },
    online: over.online ?? true,
    out_of_service: null,
    hopper: { connected: true, ok: true, serial: 1, faults: [], coins_available: 100, ...over.hopper },
    free_coins: 100,
    limits: { min_cents: 100, max_cents: 5000, presets_cents: [500] },
    fee: { flat_cents: 0, bps: 0 },
    version: '0.2.0',
    demo_phone_url: null,
    payment_mode: null, support_contact: null, day_time_zone: null,
    admin_open: false,
  });
}

const healthy: HealthObservation = { coreStarted: true, rendererLoaded: true, state: state() };
const policy = { deadlineMs: 90_000, tolerateOffline: true };

describe('start-up health check of a new version', () => {
  it('is healthy as soon as core, page, hopper and cloud all answer', () => {
    expect(trialVerdict(healthy, 1_000, policy)).toEqual({ kind: 'healthy', warnings: [] });
  });

  it('accepts a hopper failure the core reported cleanly, but not a hopper never read', () => {
    const reported = { ...healthy, state: state({ hopper: { connected: false, ok: false, faults: ['no_reply'] } }) };
    expect(missingChecks(reported)).toEqual([]);
    const unread = { ...healthy, state: state({ hopper: { connected: false, ok: false, faults: [] } }) };
    expect(missingChecks(unread)).toEqual(['hopper']);
  });

  it('waits until the deadline, then fails a version whose core or page never came up', () => {
    const noCore: HealthObservation = { coreStarted: false, rendererLoaded: true, state: null };
    expect(trialVerdict(noCore, 89_999, policy)).toEqual({ kind: 'wait', missing: ['core', 'hopper', 'cloud'] });
    expect(trialVerdict(noCore, 90_000, policy)).toEqual({ kind: 'failed', missing: ['core', 'hopper', 'cloud'] });
    const noPage = { ...healthy, rendererLoaded: false };
    expect(trialVerdict(noPage, 90_000, policy)).toEqual({ kind: 'failed', missing: ['renderer'] });
  });

  it('tolerates an unreachable cloud at the deadline when offline is tolerated, and not otherwise', () => {
    const offline = { ...healthy, state: state({ online: false }) };
    expect(trialVerdict(offline, 10_000, policy)).toEqual({ kind: 'wait', missing: ['cloud'] });
    expect(trialVerdict(offline, 90_000, policy)).toEqual({ kind: 'healthy', warnings: ['cloud'] });
    expect(trialVerdict(offline, 90_000, { ...policy, tolerateOffline: false })).toEqual({ kind: 'failed', missing: ['cloud'] });
  });

  it('never excuses a missing core just because the cloud is also missing', () => {
    const broken: HealthObservation = { coreStarted: true, rendererLoaded: false, state: state({ online: false }) };
    expect(trialVerdict(broken, 90_000, policy)).toEqual({ kind: 'failed', missing: ['renderer', 'cloud'] });
  });
});
