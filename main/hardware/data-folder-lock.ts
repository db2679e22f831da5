import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One kiosk core per data folder (issue 13): two cores on one journal would both drive the hopper
 * and both settle its intents. The lock is an SQLite file `kiosk.lock` in the data folder, opened in
 * `locking_mode=EXCLUSIVE` and written once: the operating system's file lock is then held until the
 * connection closes or the process dies (SIGKILL and power loss included), so a lock never outlives
 * its holder and needs no liveness check. `kiosk.lock.pid` names the holder for the message only.
 * The technician CLI takes the same lock before it touches the hopper or the journal.
 */
export class DataFolderLockedError extends Error {
  readonly code = 'data_folder_locked';
  constructor(
    readonly dataDir: string,
    readonly holder: string | null,
  ) {
    super(
      `another kiosk core${holder ? ` (${holder})` : ''} is using the data folder ${dataDir}: only one may run against it. ` +
        'Stop the other one (or, for the technician CLI, stop the kiosk first); nothing was changed.',
    );
    this.name = 'DataFolderLockedError';
  }
}

export interface DataFolderLock {
  readonly dataDir: string;
  release(): void;
}

const LOCK_FILE = 'kiosk.lock';
const PID_FILE = 'kiosk.lock.pid';

/** Takes the data folder's lock or throws DataFolderLockedError at once (never waits). */
export function lockDataFolder(dataDir: string, who = `pid ${process.pid}`): DataFolderLock {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (who TEXT NOT NULL, since TEXT NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (who, since) VALUES (?, ?)').run(who, new Date().toISOString());
    db.exec('COMMIT'); // in EXCLUSIVE locking mode the file lock stays held after the commit
  } catch (e) {
    db.close();
    if ((e as { code?: unknown }).code === 'SQLITE_BUSY' || (e as { code?: unknown }).code === 'SQLITE_LOCKED') {
      throw new DataFolderLockedError(dataDir, readHolder(dataDir));
    }
    throw e;
  }
  writeFileSync(join(dataDir, PID_FILE), `${who}\n`);
  let released = false;
  return {
    dataDir,
    release() {
      if (released) return;
      released = true;
      rmSync(join(dataDir, PID_FILE), { force: true });
      db.close();
    },
  };
}

/** True when a live process holds the data folder's lock (probes it without keeping it). */
export function isDataFolderLocked(dataDir: string): boolean {
  try {
    lockDataFolder(dataDir, `probe pid ${process.pid}`).release();
    return false;
  } catch (e) {
    if (e instanceof DataFolderLockedError) return true;
    throw e;
  }
}

function readHolder(dataDir: string): string | null {
  try {
    return readFileSync(join(dataDir, PID_FILE), 'utf8').trim() || null;
  } catch {
    return null;
  }
}
