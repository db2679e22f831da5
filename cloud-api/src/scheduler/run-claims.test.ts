import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../contract/clock';
import { silentLog } from '../testing/harness';
import { BACKENDS, openTestDb } from '../testing/test-db';
import { parseCloudSchedule, startCloudScheduler, type CloudScheduler } from './cloud-scheduler';

const NEVER = '0 0 1 1 *';

describe.each(BACKENDS)('scheduled work across instances (%s)', (backend) => {
  it('runs each firing on exactly one of two instances sharing the database, and records the claim', async () => {
    const tdb = await openTestDb(backend);
    // Real Postgres: a second connection, as a second instance has. PGlite has one connection; the claims still race.
    const second = tdb.reopen ? await tdb.reopen() : tdb.db;
    const config = parseCloudSchedule({ CRON_RETURN_LEASES: '* * * * * *', CRON_EXPIRE_TRANSACTIONS: NEVER, CRON_RETENTION: NEVER });
    const instances: CloudScheduler[] = [];
    const ran: string[] = [];
    try {
      for (const db of [tdb.db, second]) {
        const s = startCloudScheduler({ db, clock: systemClock, log: silentLog, config });
        s.tasks.get('return-leases')!.on('execution:finished', (ctx) => void ran.push(ctx.date.toISOString()));
        instances.push(s);
      }
      const deadline = Date.now() + 15_000;
      while (ran.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      for (const s of instances) await s.stop();
      expect(ran.length).toBeGreaterThanOrEqual(3);
      expect([...new Set(ran)].sort()).toEqual([...ran].sort()); // no firing ran twice
      const { rows } = await tdb.db.query<{ run_key: string }>("SELECT run_key FROM scheduled_runs WHERE run_key LIKE 'return-leases:%'");
      for (const slot of ran) expect(rows.map((r) => r.run_key)).toContain(`return-leases:${slot}`);
    } finally {
      for (const s of instances) await s.stop();
      if (second !== tdb.db) await second.close();
      await tdb.dispose();
    }
  }, 30_000);

  it('runs a job on demand on this instance, prunes claims older than two days at retention, and refuses an invalid cron expression by name', async () => {
    const tdb = await openTestDb(backend);
    try {
      expect(() => startCloudScheduler({ db: tdb.db, clock: systemClock, log: silentLog, config: parseCloudSchedule({ CRON_RETENTION: 'daily' }) })).toThrow(
        /retention.*not valid/,
      );
      const s = startCloudScheduler({ db: tdb.db, clock: systemClock, log: silentLog, config: parseCloudSchedule({}) });
      const now = Date.now();
      for (const [key, ageMs] of [['return-leases:old', 3 * 86_400_000], ['return-leases:recent', 60_000]] as const) {
        await tdb.db.query('INSERT INTO scheduled_runs (run_key, claimed_at) VALUES ($1, $2)', [key, new Date(now - ageMs)]);
      }
      const task = s.tasks.get('retention')!;
      await task.execute();
      expect(task.lastRun()?.error).toBeUndefined();
      const { rows } = await tdb.db.query<{ run_key: string }>('SELECT run_key FROM scheduled_runs ORDER BY run_key');
      expect(rows.map((r) => r.run_key)).toEqual(['return-leases:recent']); // execute() itself claims nothing
      await s.stop();
    } finally {
      await tdb.dispose();
    }
  });
});
