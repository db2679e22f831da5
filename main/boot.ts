import type { Logger } from 'pino';
import { systemClock, type Clock } from '../contract/clock';
import type { KioskApi } from '../contract/kiosk-api';
import { parseKioskConfig, type KioskConfig } from './config';
import { openKioskDb } from './db/open-db';
import { createCcTalkDispenser, type CcTalkDispenserOptions } from './hardware/cctalk-dispenser';
import { lockDataFolder } from './hardware/data-folder-lock';
import type { Dispenser } from './hardware/dispenser';
import { PayoutJournal } from './hardware/payout-journal';
import { startKioskApp } from './kiosk-app';
import { createLogger } from './log';
import { installFetchFileShim } from './worldid/fetch-file-shim';
import { startWorldIdRequest } from './worldid/request';

/**
 * The one kiosk boot path (issue 7: "no logic lives only in Electron"). Both entries call it:
 * main/kiosk-entry.ts (browser mode, adds the loopback UI server) and electron/start-core.ts
 * (Electron, talks over IPC). Order: config (throws ConfigError, code config_invalid, naming every
 * bad variable) → logger → fetch shim (idkit-core's WASM over file://) → the data folder's lock
 * (hardware/data-folder-lock.ts: a second core exits, DataFolderLockedError) → SQLite journal → ccTalk
 * dispenser with port/address/baud/echo/dispense form/reply form from config → startKioskApp.
 * `stop()` waits for a payout in progress (main/kiosk-app.ts), then closes the database.
 */
export interface BootedKiosk {
  api: KioskApi;
  stop(): Promise<void>;
  config: KioskConfig;
  log: Logger;
}

export interface BootOptions {
  /** Logger name: 'kiosk' (browser mode) or 'electron'. */
  name?: string;
  clock?: Clock;
  /** Tests: a dispenser built from the options boot derived from config (e.g. a pty binding). */
  makeDispenser?: (opts: CcTalkDispenserOptions) => Dispenser;
}

/** The ccTalk dispenser options the config asks for (pure; tested against parseKioskConfig). */
export function dispenserOptionsFromConfig(
  config: KioskConfig,
  deps: Pick<CcTalkDispenserOptions, 'journal' | 'clock' | 'log'>,
): CcTalkDispenserOptions {
  const h = config.hopper;
  return {
    path: h.path,
    address: h.address,
    baudRate: h.baudRate,
    echo: h.echo,
    dispenseForm: h.dispenseForm,
    replyForm: h.replyForm,
    checksum: h.checksum,
    pumpRng: h.pumpRng,
    ...deps,
  };
}

export async function bootKiosk(env: Record<string, string | undefined>, opts: BootOptions = {}): Promise<BootedKiosk> {
  const config = parseKioskConfig(env);
  const log = createLogger(opts.name ?? 'kiosk', config.logLevel);
  installFetchFileShim();
  const clock = opts.clock ?? systemClock;
  const lock = lockDataFolder(config.dataDir); // throws DataFolderLockedError before anything is opened
  let db: ReturnType<typeof openKioskDb> | null = null;
  try {
    db = openKioskDb(config.dbPath);
    const dispenserOpts = dispenserOptionsFromConfig(config, { journal: new PayoutJournal(db, clock), clock, log: log.child({ part: 'hopper' }) });
    const dispenser = (opts.makeDispenser ?? createCcTalkDispenser)(dispenserOpts);
    const app = await startKioskApp(config, { clock, log, dispenser, db, startWorldIdRequest });
    log.info(
      { hopper: config.hopper.path, address: config.hopper.address, dispense_form: config.hopper.dispenseForm, cloud: config.cloudUrl, build: config.build },
      'kiosk core started',
    );
    if (config.worldId.allowStaging) log.warn('WORLD_ID_ALLOW_STAGING=1: staging World ID apps and a local bridge are accepted (demo and tests only)');
    return {
      api: app.api,
      config,
      log,
      stop: async () => {
        await app.stop();
        db?.close();
        lock.release();
      },
    };
  } catch (e) {
    db?.close();
    lock.release();
    throw e;
  }
}
