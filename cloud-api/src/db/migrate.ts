import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrationFiles, type MigrationFile } from '../../../contract/migrations';
import type { Db } from './db';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Arbitrary constant key: every cloud instance takes the same advisory lock while migrating. */
const MIGRATION_LOCK_KEY = 7_312_001;

export interface Migration extends MigrationFile {
  sql: string;
}

export function listMigrations(): Migration[] {
  return migrationFiles(readdirSync(MIGRATIONS_DIR)).map((m) => ({ ...m, sql: readFileSync(join(MIGRATIONS_DIR, m.name), 'utf8') }));
}

/**
 * Applies pending migrations in one transaction under pg_advisory_xact_lock, recording each migration
 * before running it (STYLE.md "graphile-worker"): two instances starting together apply each file once.
 * Returns the ids applied now.
 */
export async function migrate(db: Db, migrations: Migration[] = listMigrations()): Promise<number[]> {
  return db.tx(async (q) => {
    // A migration may run longer than the pool's statement_timeout (DATABASE_STATEMENT_TIMEOUT_MS).
    await q.query('SET LOCAL statement_timeout = 0');
    await q.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await q.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await q.query<{ id: number }>('SELECT id FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.id));
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.id)) continue;
      await q.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      await q.exec(m.sql);
      done.push(m.id);
    }
    return done;
  });
}
