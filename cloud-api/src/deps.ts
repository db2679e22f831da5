import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { CloudConfig } from './config';
import type { Db } from './db/db';
import type { KioskRow } from './db/kiosks';
import type { JobSigner } from './job-signer';
import type { JobNotifier } from './job-notifier';
import type { HttpMetrics } from './metrics';
import type { RateLimiter } from './rate-limit';

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
  metrics: HttpMetrics;
  /** Per-instance token buckets (rate-limit.ts): by client IP, and by kiosk after authentication. */
  limits: { ip: RateLimiter; kiosk: RateLimiter; transaction: RateLimiter; portalLookup: RateLimiter };
}

export type AppEnv = { Variables: { kiosk: KioskRow } };
