import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { expect } from 'vitest';
import { ManualClock } from '../../../contract/clock';
import type { KioskState } from '../../../contract/kiosk-api';
import { startRealCloud, type RealCloud } from '../../../test/support/real-cloud';
import { parseKioskConfig, type KioskConfig } from '../../config';
import { openKioskDb, type KioskDb } from '../../db/open-db';
import { PayoutJournal } from '../../hardware/payout-journal';
import { startKioskApp } from '../../kiosk-app';
import { FakeDispenser } from './fake-dispenser';
import { fakeWorldId } from './fake-world-id';

export interface HarnessOptions {
  /** A cloud to share (e.g. across a restart: stop(false) keeps it); the harness starts its own otherwise. */
  cloud?: RealCloud;
  /** For the harness's own cloud. */
  paymentMode?: 'none' | 'world_app';
  cloudEnv?: Record<string, string>;
  path?: string;
  env?: Record<string, string>;
  coins?: number;
  dispenser?: (d: FakeDispenser) => void;
}

/**
 * The whole kiosk core on a real SQLite file, enrolled with the real cloud (startCloud on PGlite)
 * and talking to it through the test proxy (`cloud.proxy`: hooks and faults).
 */
export async function startHarness(opts: HarnessOptions = {}) {
  const cloud = opts.cloud ?? (await startRealCloud('pglite', { paymentMode: opts.paymentMode ?? 'none', env: opts.cloudEnv ?? {} }));
  const path = opts.path ?? join(mkdtempSync(join(tmpdir(), 'kiosk-app-')), 'kiosk.sqlite');
  const config: KioskConfig = parseKioskConfig({
    CLOUD_URL: cloud.proxy.url,
    HOPPER_PORT: '/dev/null',
    ENROLLMENT_CODE: await cloud.enrollmentCode(),
    KIOSK_DATA_DIR: '/unused',
    INVENTORY_SEED_COINS: String(opts.coins ?? 400),
    WORLD_ID_ALLOW_STAGING: '1',
    ...opts.env,
  });
  const db: KioskDb = openKioskDb(path);
  const clock = new ManualClock(Date.now());
  const journal = new PayoutJournal(db, clock);
  const dispenser = new FakeDispenser(journal);
  opts.dispenser?.(dispenser);
  const worldId = fakeWorldId();
  const log = pino({ level: 'silent' });
  const states: KioskState[] = [];
  const app = await startKioskApp(config, { clock, log, dispenser, db, startWorldIdRequest: worldId.start });
  app.api.onState((s) => states.push(s));
  const latest = () => states[states.length - 1]!;
  const waitFor = async (pred: (s: KioskState) => boolean, what: string) => {
    for (let i = 0; i < 1000 && !pred(latest()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(latest(), `waiting for ${what}`).toSatisfy(pred);
    return latest();
  };
  return {
    cloud, path, db, clock, journal, dispenser, worldId, app, api: app.api, states, latest, waitFor,
    /** The network between kiosk and cloud goes away (open connections die, new ones are refused) or comes back. */
    offline(down: boolean) {
      if (!down) return cloud.proxy.clearFaults();
      cloud.proxy.setFaults({ rules: [{ fault: { kind: 'refuse' } }] });
      cloud.proxy.disconnect();
    },
    async stop(closeCloud = true) {
      await app.stop();
      db.close();
      if (closeCloud) await cloud.close();
    },
  };
}
export type Harness = Awaited<ReturnType<typeof startHarness>>;
