import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { OperatorRole } from '../../contract/console-api';
import type { CloudConfig } from './config';
import type { Db } from './db/db';
import type { KioskRow } from './db/kiosks';
import type { JobSigner } from './job-signer';
import type { JobNotifier } from './job-notifier';
import type { HttpMetrics } from './metrics';
import type { Limits } from './shared-limits';

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
  /** Rate limits shared by every instance (shared-limits.ts): by client IP, by kiosk, by transaction, portal lookups. */
  limits: Limits;
}

/** Who called an operator route (routes/auth.ts): a console session's account or the OPERATOR_TOKEN service account. */
export interface OperatorActor {
  /** The account's email, or `service:<OPERATOR_TOKEN_NAME>`; the audit events' actor. */
  actor: string;
  role: OperatorRole;
  /** Console sessions only: the session's hashed id and its account. */
  session?: { idHash: string; operatorId: string; csrfToken: string; expiresAt: Date };
}

export type AppEnv = { Variables: { kiosk: KioskRow; operator: OperatorActor } };
