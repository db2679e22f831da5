import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../contract/clock';
import { KioskStateSchema } from '../contract/kiosk-api';
import type { HealthObservation } from './update-health';
import { watchTrial } from './trial-monitor';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const state = KioskStateSchema.parse({
  flow: { screen: 'idle' }, online: true, out_of_service: null,
  hopper: { connected: true, ok: true, serial: 1, faults: [], coins_available: 10 },
  free_coins: 10,
  limits: { min_cents: 100, max_cents: 5000, presets_cents: [500] }, fee: { flat_cents: 0, bps: 0 },
  version: '0.2.0', demo_phone_url: null, admin_open: false, payment_mode: null, support_contact: null, day_time_zone: null,
});

function onTrial(): string {
  const dir = mkdtempSync(join(tmpdir(), 'roluatm-trial-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'trial'), '0.2.0 1\n');
  return dir;
}

function run(dir: string, clock: ManualClock, observe: () => HealthObservation): Promise<boolean> {
  return new Promise((resolve) => {
    watchTrial({
      version: '0.2.0', releasesDir: dir, policy: { deadlineMs: 60_000, tolerateOffline: true }, clock, log: pino({ level: 'silent' }),
      observe: async () => observe(), onDone: resolve, everyMs: 5,
    });
  });
}

describe('watchTrial', () => {
  it('confirms a healthy new version by clearing its trial', async () => {
    const dir = onTrial();
    const clock = new ManualClock();
    let polls = 0;
    const healthy = await run(dir, clock, () => ({ coreStarted: true, rendererLoaded: ++polls > 2, state }));
    expect(healthy).toBe(true);
    expect(existsSync(join(dir, 'trial'))).toBe(false);
  });

  it('reports a version that is still unhealthy at the deadline, and leaves its trial for the launcher', async () => {
    const dir = onTrial();
    const clock = new ManualClock();
    const healthy = await run(dir, clock, () => {
      clock.advance(20_000);
      return { coreStarted: true, rendererLoaded: false, state };
    });
    expect(healthy).toBe(false);
    expect(existsSync(join(dir, 'trial'))).toBe(true);
  });
});
