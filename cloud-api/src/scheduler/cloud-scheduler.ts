import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../../contract/clock';
import type { Db } from '../db/db';
import { startCronRunner, type CronRunner } from './cron-runner';
import { expireUnpaidTransactions, pruneKioskHeartbeats, returnExpiredLeases } from './cloud-tasks';

/**
 * The cloud's node-cron schedule (issue 4). Config from env (zod, defaults below): CRON_EXPIRE_TRANSACTIONS,
 * CRON_RETURN_LEASES, CRON_RETENTION, HEARTBEAT_RETENTION_DAYS. With several API instances every one runs
 * it; each task is a single conditional UPDATE/DELETE, so running it twice changes nothing more.
 */
export const CloudScheduleEnvSchema = z.object({
  CRON_EXPIRE_TRANSACTIONS: z.string().min(1).default('*/30 * * * * *'),
  CRON_RETURN_LEASES: z.string().min(1).default('*/10 * * * * *'),
  CRON_RETENTION: z.string().min(1).default('41 4 * * *'),
  HEARTBEAT_RETENTION_DAYS: z.coerce.number().int().min(1).default(14),
});
export type CloudScheduleConfig = z.infer<typeof CloudScheduleEnvSchema>;

export function parseCloudSchedule(env: Record<string, string | undefined>): CloudScheduleConfig {
  return CloudScheduleEnvSchema.parse(env);
}

export function startCloudScheduler(deps: { db: Db; clock: Clock; log: Logger; config: CloudScheduleConfig }): CronRunner {
  const { db, clock, log, config } = deps;
  return startCronRunner(
    [
      {
        name: 'expire-transactions',
        cron: config.CRON_EXPIRE_TRANSACTIONS,
        run: async () => {
          const ids = await expireUnpaidTransactions(db, clock.now());
          if (ids.length) log.info({ count: ids.length }, 'unpaid transactions expired');
        },
      },
      {
        name: 'return-leases',
        cron: config.CRON_RETURN_LEASES,
        run: async () => {
          const ids = await returnExpiredLeases(db, clock.now());
          if (ids.length) log.warn({ jobs: ids }, 'unacked job leases ran out; the jobs go out again');
        },
      },
      {
        name: 'retention',
        cron: config.CRON_RETENTION,
        run: async () => {
          const n = await pruneKioskHeartbeats(db, clock.now(), config.HEARTBEAT_RETENTION_DAYS);
          if (n) log.info({ pruned: n }, 'old kiosk heartbeats pruned');
        },
      },
    ],
    log,
  );
}
