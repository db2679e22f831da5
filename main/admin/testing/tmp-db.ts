import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKioskDb, type KioskDb } from '../../db/open-db';

/** A kiosk SQLite file in a fresh tmp dir that tests can close and reopen. */
export function tmpKioskDbFile(): { path: string; open(): KioskDb; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'admin-'));
  const path = join(dir, 'kiosk.sqlite');
  return { path, open: () => openKioskDb(path), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Rows of the audit trail and the outbox for admin actions, oldest first. */
export function adminRows(db: KioskDb): { events: { type: string; data: string }[]; outbox: { type: string; payload: string }[] } {
  return {
    events: db.prepare("SELECT type, data FROM events WHERE type LIKE 'admin.%' ORDER BY rowid").all() as { type: string; data: string }[],
    outbox: db.prepare("SELECT type, payload FROM outbox WHERE type = 'admin.action' ORDER BY seq").all() as { type: string; payload: string }[],
  };
}
