import type { Clock } from '../../contract/clock';
import { newId } from '../../contract/clock';
import type { KioskDb } from './open-db';

/**
 * Gap repair (issue 4 "Gaps are detected and reported"). The cloud answers the highest CONTIGUOUS seq it
 * holds; when that is below rows this kiosk already marked sent, the cloud lost them (a restore from
 * backup, say). Rows still here are sent again; rows already pruned are replaced by a tombstone row for
 * the same seq (quarantined, so it goes out as `outbox.quarantined`), so the gap is filled and visible.
 */
export interface GapRepair {
  from: number;
  to: number;
  resent: number;
  filled: number;
}

export function repairGap(db: KioskDb, clock: Clock, from: number, to: number): GapRepair {
  return db.transaction(() => {
    const resent = db.prepare('UPDATE outbox SET sent_at = NULL WHERE seq BETWEEN ? AND ? AND sent_at IS NOT NULL').run(from, to).changes;
    const present = new Set(db.prepare('SELECT seq FROM outbox WHERE seq BETWEEN ? AND ?').pluck().all(from, to) as number[]);
    const insert = db.prepare(
      "INSERT INTO outbox (seq, event_id, type, payload, occurred_at, quarantined_reason) VALUES (?, ?, 'unknown', '{}', ?, ?)",
    );
    let filled = 0;
    for (let seq = from; seq <= to; seq++) {
      if (present.has(seq)) continue;
      insert.run(seq, newId(), clock.now().toISOString(), 'lost: the cloud does not hold this seq and the kiosk had already pruned it');
      filled += 1;
    }
    return { from, to, resent, filled };
  })();
}

const LAST_SUCCESS_KEY = 'sync.last_success_at';

export function recordSyncSuccess(db: KioskDb, clock: Clock): string {
  const at = clock.now().toISOString();
  db.prepare('INSERT INTO kiosk_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    LAST_SUCCESS_KEY,
    JSON.stringify(at),
  );
  return at;
}

export function lastSyncSuccess(db: KioskDb): string | null {
  const raw = db.prepare('SELECT value FROM kiosk_state WHERE key = ?').pluck().get(LAST_SUCCESS_KEY) as string | undefined;
  if (raw === undefined) return null;
  const v = JSON.parse(raw) as unknown;
  return typeof v === 'string' ? v : null;
}
