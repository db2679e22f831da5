import type { RunCoordinator } from 'node-cron';
import type { Clock } from '../../../contract/clock';
import type { Db } from '../db/db';

/**
 * Each scheduled firing runs on one cloud instance (issue 18 "Run scheduled work once across the
 * fleet"). node-cron's `distributed` mode asks `shouldRun(key)` with key = `<task>:<slot time>`, the
 * same on every instance; the first INSERT of that key wins and the others skip. A row, not an
 * advisory lock: pg_try_advisory_xact_lock is released at commit, so an instance whose timer fires a
 * few ms after another's run has ended would take it and run the same slot again. A claim whose
 * instance dies before running loses that one slot; the next slot runs as usual.
 */
export function createRunClaims(db: Db, clock: Clock): RunCoordinator {
  return {
    async shouldRun(key) {
      const r = await db.query('INSERT INTO scheduled_runs (run_key, claimed_at) VALUES ($1, $2) ON CONFLICT (run_key) DO NOTHING', [key, clock.now()]);
      return r.rowCount === 1;
    },
  };
}
