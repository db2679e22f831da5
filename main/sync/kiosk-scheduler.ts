import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../contract/clock';
import type { KioskDb } from '../db/open-db';
import { startCronRunner, type CronRunner } from './cron-runner';
import { expireStaleTransactions, pruneSynced, writeHeartbeat, type HeartbeatInput } from './kiosk-tasks';

/**
 * The kiosk's node-cron schedule (issue 4). Config from env (zod, defaults below):
 * SYNC_HEARTBEAT_CRON, SYNC_RETENTION_CRON, SYNC_EXPIRY_CRON, OUTBOX_RETENTION_DAYS, LOCAL_TX_TTL_SEC,
 * TOKEN_ROTATION_CRON (the kiosk rotates its cloud token, sync/token-rotation.ts; weekly by default).
 * The local TTL is longer than the cloud's (TRANSACTION_TTL_SEC, 600 s) so the cloud decides first.
 */
export const KioskScheduleEnvSchema = z.object({
  SYNC_HEARTBEAT_CRON: z.string().min(1).default('* * * * *'),
  SYNC_RETENTION_CRON: z.string().min(1).default('17 3 * * *'),
  SYNC_EXPIRY_CRON: z.string().min(1).default('*/2 * * * *'),
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  LOCAL_TX_TTL_SEC: z.coerce.number().int().min(60).default(1800),
  TOKEN_ROTATION_CRON: z.string().min(1).default('41 4 * * 0'),
});
export type KioskScheduleConfig = z.infer<typeof KioskScheduleEnvSchema>;

export function parseKioskSchedule(env: Record<string, string | undefined>): KioskScheduleConfig {
  return KioskScheduleEnvSchema.parse(env);
}

export interface KioskSchedulerDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  config: KioskScheduleConfig;
  heartbeat: () => HeartbeatInput;
  /** Called after a task wrote outbox rows (push them). */
  onWrite: () => void;
  /** Rotates the kiosk's cloud token (cloud-link.ts rotateToken). */
  rotateToken?: () => Promise<unknown>;
}

export function startKioskScheduler(deps: KioskSchedulerDeps): CronRunner {
  const { db, clock, log, config } = deps;
  return startCronRunner(
    [
      {
        name: 'heartbeat',
        cron: config.SYNC_HEARTBEAT_CRON,
        run: () => {
          writeHeartbeat(db, clock, deps.heartbeat());
          deps.onWrite();
        },
      },
      {
        name: 'retention',
        cron: config.SYNC_RETENTION_CRON,
        run: () => {
          const pruned = pruneSynced(db, clock, config.OUTBOX_RETENTION_DAYS);
          if (pruned > 0) log.info({ pruned }, 'synced outbox rows pruned');
        },
      },
      {
        name: 'expiry',
        cron: config.SYNC_EXPIRY_CRON,
        run: () => {
          const expired = expireStaleTransactions(db, clock, config.LOCAL_TX_TTL_SEC);
          if (expired.length > 0) {
            log.info({ expired }, 'unpaid local transactions expired');
            deps.onWrite();
          }
        },
      },
      {
        name: 'token_rotation',
        cron: config.TOKEN_ROTATION_CRON,
        run: () => deps.rotateToken?.(),
      },
    ],
    log,
  );
}
