import { systemClock } from '../contract/clock';
import type { KioskApi } from '../contract/kiosk-api';
import { parseKioskConfig } from '../main/config';
import { openKioskDb } from '../main/db/open-db';
import { createCcTalkDispenser } from '../main/hardware/cctalk-dispenser';
import { PayoutJournal } from '../main/hardware/payout-journal';
import { startKioskApp } from '../main/kiosk-app';
import { createLogger } from '../main/log';
import { installFetchFileShim } from '../main/worldid/fetch-file-shim';
import { startWorldIdRequest } from '../main/worldid/request';

/**
 * Starts the SAME kiosk core browser mode runs, wired as main/kiosk-entry.ts wires it (config from
 * env, SQLite journal, ccTalk dispenser, World ID request), minus the loopback UI server: here the
 * renderer talks over IPC. `stop()` waits for a payout in progress (main/kiosk-app.ts), then closes
 * the database. Throws ConfigError (code config_invalid) naming every bad variable.
 */
export async function startCore(): Promise<{ api: KioskApi; stop(): Promise<void> }> {
  const config = parseKioskConfig(process.env);
  const log = createLogger('kiosk', config.logLevel);
  installFetchFileShim();
  const clock = systemClock;
  const db = openKioskDb(config.dbPath);
  const dispenser = createCcTalkDispenser({
    path: config.hopper.path,
    address: config.hopper.address,
    baudRate: config.hopper.baudRate,
    journal: new PayoutJournal(db, clock),
    clock,
    log: log.child({ part: 'hopper' }),
  });
  const app = await startKioskApp(config, { clock, log, dispenser, db, startWorldIdRequest });
  log.info({ hopper: config.hopper.path, cloud: config.cloudUrl }, 'kiosk core started (electron)');
  return {
    api: app.api,
    stop: async () => {
      await app.stop();
      db.close();
    },
  };
}
