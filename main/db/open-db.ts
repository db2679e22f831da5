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

/**
 * Each migration runs in one transaction with foreign keys off (PRAGMA foreign_keys is fixed outside a
 * transaction), so a table can be rebuilt (003); `foreign_key_check` must find nothing before it commits.
 */
export function migrate(db: KioskDb): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as number[]);
  const pending = listMigrations().filter((m) => !applied.has(m.id));
  if (pending.length === 0) return [];
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of pending) {
      db.transaction(() => {
        db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, new Date().toISOString());
        db.exec(m.sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${m.name} leaves ${broken.length} rows with a broken foreign key`);
      })();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return pending.map((m) => m.id);
}
