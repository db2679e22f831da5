import Database from 'better-sqlite3';
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrationFiles } from '../../contract/migrations';

export type KioskDb = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the kiosk's SQLite file with the settings the money rules need:
 * WAL, synchronous=FULL (an intent is on disk before the dispense command is sent), foreign keys on.
 * Applies numbered migrations (`NNN_name.sql`) in order, each in one transaction with its record.
 */
export function openKioskDb(path: string): KioskDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function listMigrations(): { id: number; name: string; sql: string }[] {
  return migrationFiles(readdirSync(MIGRATIONS_DIR)).map((m) => ({ ...m, sql: readFileSync(join(MIGRATIONS_DIR, m.name), 'utf8') }));
}

export function migrate(db: KioskDb): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as number[]);
  const done: number[] = [];
  for (const m of listMigrations()) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, new Date().toISOString());
      db.exec(m.sql);
    })();
    done.push(m.id);
  }
  return done;
}
