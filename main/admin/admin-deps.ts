import type { Logger } from 'pino';
import type { Clock } from '../../contract/clock';
import type { KioskConfig } from '../config';
import type { Enrollment } from '../db/kiosk-state';
import type { KioskDb } from '../db/open-db';
import type { PayoutJournal } from '../hardware/payout-journal';
import type { PayoutRunner } from '../kiosk/payout-runner';
import type { LogLine } from '../log';
import type { Timers } from '../sync/backoff';
import type { CloudClient } from '../sync/cloud-client';
import type { OutboxPusher } from '../sync/outbox-pusher';
import type { AdminAuth } from './admin-auth';
import type { LockedDispenser } from '../hardware/hopper-lock';

/** Everything the admin services read or drive; the kiosk core (main/kiosk-app.ts) provides it. */
export interface AdminDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  timers: Timers;
  config: Pick<KioskConfig, 'cloudUrl' | 'kioskName' | 'hopper' | 'build' | 'adminSessionSec'>;
  version: string;
  /** The lock-wrapped dispenser the payout runner also uses. */
  dispenser: LockedDispenser;
  journal: PayoutJournal;
  runner: Pick<PayoutRunner, 'busy' | 'idle' | 'enqueue'>;
  pusher: Pick<OutboxPusher, 'syncNow' | 'status'>;
  client: Pick<CloudClient, 'enroll'>;
  /** True while a customer is between "start" and done/error (the admin screen refuses then). */
  customerActive: () => boolean;
  network: () => { online: boolean; lastContactAt: string | null };
  enrollment: () => Enrollment | null;
  /** Called after an enrolment from the admin screen is saved (starts the job receiver). */
  onEnrolled: (e: Enrollment) => void;
  /** Called after a hopper command so the customer state reads the hopper again. */
  onHopperChanged: () => void;
  /** admin_open, maintenance or inventory changed: push the kiosk state. */
  onChange: () => void;
  /** Exits the process for a restart (after payouts have settled). */
  requestRestart: () => void;
  recentLog: () => LogLine[];
}

export interface AdminContext extends AdminDeps {
  auth: AdminAuth;
}
