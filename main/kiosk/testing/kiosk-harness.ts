import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { expect } from 'vitest';
import { ManualClock } from '../../../contract/clock';
import type { KioskState } from '../../../contract/kiosk-api';
import { parseKioskConfig, type KioskConfig } from '../../config';
import { openKioskDb, type KioskDb } from '../../db/open-db';
import { PayoutJournal } from '../../hardware/payout-journal';
import { startKioskApp } from '../../kiosk-app';
import { startFakeCloud, type FakeCloud } from '../../sync/testing/fake-cloud';
import { FakeDispenser } from './fake-dispenser';
import { fakeWorldId } from './fake-world-id';

/** The whole kiosk core on a real SQLite file, against the fake cloud over HTTP. */
export async function startHarness(opts: { cloud?: FakeCloud; path?: string; env?: Record<string, string>; coins?: number; dispenser?: (d: FakeDispenser) => void } = {}) {
  const cloud = opts.cloud ?? (await startFakeCloud());
  const path = opts.path ?? join(mkdtempSync(join(tmpdir(), 'kiosk-app-')), 'kiosk.sqlite');
  const config: KioskConfig = parseKioskConfig({
    CLOUD_URL: cloud.url,
    HOPPER_PORT: '/dev/null',
    ENROLLMENT_CODE: 'code-123456',
    KIOSK_DATA_DIR: '/unused',
    INVENTORY_SEED_COINS: String(opts.coins ?? 400),
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
    for (let i = 0; i < 500 && !pred(latest()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(latest(), `waiting for ${what}`).toSatisfy(pred);
    return latest();
  };
  return {
    cloud, path, db, clock, journal, dispenser, worldId, app, api: app.api, states, latest, waitFor,
    async stop(closeCloud = true) {
      await app.stop();
      db.close();
      if (closeCloud) await cloud.close();
    },
  };
}
export type Harness = Awaited<ReturnType<typeof startHarness>>;
