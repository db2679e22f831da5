import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { CloudConfig } from './config';
import type { Db } from './db/db';
import type { KioskRow } from './db/kiosks';
import type { JobSigner } from './job-signer';
import type { JobNotifier } from './job-notifier';

export interface AppDeps {
  db: Db;
  config: CloudConfig;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
}

/** What routes receive: the app's deps plus services built once per app. */
export interface Deps extends AppDeps {
  signer: JobSigner;
  notifier: JobNotifier;
}

export type AppEnv = { Variables: { kiosk: KioskRow } };
