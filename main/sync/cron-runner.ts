import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';

/**
 * Runs named jobs on cron expressions with node-cron (issue 4 "Scheduled work with node-cron"). The
 * expressions come from config and are checked before anything starts; a run that is still going
 * when its next tick comes is skipped (no overlap); a failing run is logged and tried at the next tick.
 * Jobs read time from their own injected Clock: cron only decides WHEN they run.
 */
export interface CronJob {
  name: string;
  cron: string;
  run: () => Promise<unknown> | unknown;
}

export interface CronRunner {
  /** Runs one job now (the technician's "run now", tests); resolves when it ends. */
  runNow(name: string): Promise<void>;
  /** How many times each job ran (tick or runNow), and the last error per job. */
  stats(): Record<string, { runs: number; lastError: string | null }>;
  stop(): Promise<void>;
}

class ScheduleError extends Error {
  readonly code = 'schedule_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

function assertCron(name: string, expr: string): void {
  if (!cron.validate(expr)) {
    throw new ScheduleError(`the cron expression for ${name} ("${expr}") is not valid: use five or six fields, e.g. "*/5 * * * *"`);
  }
}

export function startCronRunner(jobs: CronJob[], log: Logger): CronRunner {
  for (const j of jobs) assertCron(j.name, j.cron);
  const state = new Map(jobs.map((j) => [j.name, { runs: 0, lastError: null as string | null, running: null as Promise<void> | null }]));

  function run(job: CronJob): Promise<void> {
    const s = state.get(job.name)!;
    if (s.running) return s.running;
    s.running = (async () => {
      try {
        await job.run();
        s.lastError = null;
      } catch (e) {
        s.lastError = e instanceof Error ? e.message : String(e);
        log.error({ err: e, job: job.name }, 'scheduled job failed; it runs again at its next tick');
      } finally {
        s.runs += 1;
        s.running = null;
      }
    })();
    return s.running;
  }

  const tasks: ScheduledTask[] = jobs.map((j) => cron.schedule(j.cron, () => run(j), { name: j.name, noOverlap: true }));
  return {
    async runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new ScheduleError(`no scheduled job is called ${name}`);
      await run(job);
    },
    stats() {
      return Object.fromEntries([...state].map(([k, v]) => [k, { runs: v.runs, lastError: v.lastError }]));
    },
    async stop() {
      for (const t of tasks) await t.destroy();
      await Promise.all([...state.values()].map((s) => s.running));
    },
  };
}
