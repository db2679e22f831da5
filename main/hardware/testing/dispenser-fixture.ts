import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ManualClock } from '../../../contract/clock';
import { openKioskDb } from '../../db/open-db';
import { PayoutJournal } from '../payout-journal';

/** A real SQLite journal in a fresh tmp dir, for dispenser tests. */
export function tmpJournal(): { journal: PayoutJournal; path: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'h1-journal-'));
  const path = join(dir, 'kiosk.sqlite');
  const db = openKioskDb(path);
  return {
    journal: new PayoutJournal(db, new ManualClock()),
    path,
    dispose: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const silentLog = pino({ level: 'silent' });

export async function until(pred: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await pred())) {
    if (performance.now() > end) throw new Error(`condition not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
