import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../../contract/clock';
import type { Db } from '../db/db';
import { expireJobs, expireUnpaidTransactions, pruneKioskHeartbeats, pruneRunClaims, returnExpiredLeases } from './cloud-tasks';
import { createRunClaims } from './run-claims';
import { silentKioskAlerts } from '../webhooks/conditions';

/**
 * The cloud's scheduled work (issue 4) on node-cron. Config from env (zod, defaults below):
 * CRON_EXPIRE_TRANSACTIONS, CRON_RETURN_LEASES, CRON_SILENT_KIOSKS, CRON_RETENTION, HEARTBEAT_RETENTION_DAYS. Every API
 * instance schedules it, and each firing runs on ONE instance: node-cron's `distributed` mode asks the
 * run claims in the database first (run-claims.ts). A run still going at its next firing is skipped
 * (noOverlap); a failing run is logged and tried at the next firing.
 */
export const CloudScheduleEnvSchema = z.object({
  CRON_EXPIRE_TRANSACTIONS: z.string().min(1).default('*/30 * * * * *'),
  CRON_RETURN_LEASES: z.string().min(1).default('*/10 * * * * *'),
  // Issue 17: the kiosk_silent webhook alert (sent once per silence, however often this runs).
  CRON_SILENT_KIOSKS: z.string().min(1).default('*/30 * * * * *'),
  // Hourly, so each run deletes an hour of heartbeats, not a day's (issue 18: bounded history).
  CRON_RETENTION: z.string().min(1).default('41 * * * *'),
  // The latest status is kiosk_status's; the heartbeat history is kept this long.
  HEARTBEAT_RETENTION_DAYS: z.coerce.number().int().min(1).default(2),
});
export type CloudScheduleConfig = z.infer<typeof CloudScheduleEnvSchema>;

export function parseCloudSchedule(env: Record<string, string | undefined>): CloudScheduleConfig {
  return CloudScheduleEnvSchema.parse(env);
}

export type CloudTaskName = 'expire-transactions' | 'return-leases' | 'silent-kiosks' | 'retention';

export interface CloudScheduler {
  /** node-cron's task per job: `execute()` runs it now on this instance, `lastRun()` tells how it went. */
  tasks: Map<CloudTaskName, ScheduledTask>;
  /** Stops firing and waits for runs under way. */
  stop(): Promise<void>;
}

/** KIOSK_SILENT_SEC comes from the API's settings (config.ts); 600 s when a caller passes only the schedule. */
export function startCloudScheduler(deps: { db: Db; clock: Clock; log: Logger; config: CloudScheduleConfig & { KIOSK_SILENT_SEC?: number } }): CloudScheduler {
  const { db, clock, log, config } = deps;
  const jobs: Array<{ name: CloudTaskName; cron: string; run: () => Promise<void> }> = [
    {
      name: 'expire-transactions',
      cron: config.CRON_EXPIRE_TRANSACTIONS,
      run: async () => {
        const ids = await expireUnpaidTransactions(db, clock.now());
        if (ids.length) log.info({ count: ids.length }, 'unpaid transactions expired');
        const jobs = await expireJobs(db, clock.now());
        if (jobs.length) log.warn({ jobs }, 'jobs expired without a payout result; their coins are credits now');
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
      name: 'silent-kiosks',
      cron: config.CRON_SILENT_KIOSKS,
      run: async () => {
        const n = await silentKioskAlerts(db, clock.now(), config.KIOSK_SILENT_SEC ?? 600);
        if (n) log.warn({ deliveries: n }, 'kiosks went silent; webhook alerts queued');
      },
    },
    {
      name: 'retention',
      cron: config.CRON_RETENTION,
      run: async () => {
        const n = await pruneKioskHeartbeats(db, clock.now(), config.HEARTBEAT_RETENTION_DAYS);
        if (n) log.info({ pruned: n }, 'old kiosk heartbeats pruned');
        await pruneRunClaims(db, clock.now());
      },
    },
  ];
  for (const j of jobs) {
    if (!cron.validate(j.cron)) {
      throw new Error(`the cron expression for ${j.name} ("${j.cron}") is not valid: use five or six fields, e.g. "*/5 * * * *"`);
    }
  }
  const logger = cronLogger(log);
  const runClaims = createRunClaims(db, clock);
  const running = new Set<Promise<void>>();
  const tracked = (run: () => Promise<void>) => () => {
    const p = run();
    running.add(p);
    return p.finally(() => running.delete(p));
  };
  const tasks = new Map(
    jobs.map((j) => {
      const task = cron.schedule(j.cron, tracked(j.run), { name: j.name, noOverlap: true, distributed: true, runCoordinator: runClaims, logger });
      task.on('execution:failed', (ctx) => log.error({ err: ctx.execution?.error, job: j.name }, 'scheduled job failed; it runs again at its next firing'));
      return [j.name, task] as const;
    }),
  );
  return {
    tasks,
    async stop() {
      for (const t of tasks.values()) await t.destroy();
      await Promise.allSettled([...running]);
    },
  };
}

/** node-cron's own messages (missed firings, overlaps) into the cloud's pino log. */
function cronLogger(log: Logger): CronLogger {
  return {
    info: (m) => log.info(m),
    warn: (m) => log.warn(m),
    error: (m, err) => log.error({ err: err ?? m }, typeof m === 'string' ? m : 'node-cron error'),
    debug: (m) => log.debug(typeof m === 'string' ? m : { err: m }, 'node-cron'),
  };
}
