import { systemClock } from '../contract/clock';
import { startUiServer } from './api/ws-server';
import { ConfigError, parseKioskConfig } from './config';
import { openKioskDb } from './db/open-db';
import { createCcTalkDispenser } from './hardware/cctalk-dispenser';
import { PayoutJournal } from './hardware/payout-journal';
import { startKioskApp } from './kiosk-app';
import { createLogger } from './log';
import { installFetchFileShim } from './worldid/fetch-file-shim';
import { startWorldIdRequest } from './worldid/request';

/**
 * `npm run kiosk` (ARCHITECTURE.md "Commands"): the kiosk core in browser mode. Prints one line
 * `KIOSK_URL=<url>` on stdout; logs go to stderr. SIGTERM/SIGINT stop it gracefully and never in
 * the middle of a payout: the payout in progress settles first.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = parseKioskConfig(process.env);
  } catch (e) {
    process.stderr.write(`${e instanceof ConfigError ? e.message : String(e)}\n`);
    process.exit(2);
  }
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
  const ui = await startUiServer({ api: app.api, host: config.ui.host, port: config.ui.port, log: log.child({ part: 'ui' }) });
  process.stdout.write(`KIOSK_URL=${ui.url}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: waiting for any payout in progress to settle');
    await ui.close();
    await app.stop();
    db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`kiosk failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
