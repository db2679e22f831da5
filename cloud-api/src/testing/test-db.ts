import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Db } from '../db/db';
import { listMigrations, migrate } from '../db/migrate';
import { openPgDb, type PgOptions } from '../db/pg-adapter';
import { openPgliteDb } from '../db/pglite-adapter';

/**
 * Test databases (STYLE.md: real Postgres, a fresh database per test file).
 * - PGlite always: a migrated template data folder is built once per machine (keyed by the migrations'
 *   content) in the OS tmp dir and copied per test file, because creating PGlite costs 5–7 s.
 * - Real Postgres too when DATABASE_URL is set: it is the ADMIN url; each file gets
 *   `CREATE DATABASE cloud_test_<random>`, dropped after.
 */
export type Backend = 'pglite' | 'pg';
export const BACKENDS: Backend[] = process.env.DATABASE_URL ? ['pglite', 'pg'] : ['pglite'];

export interface TestDb {
  db: Db;
  /** Opens another connection to the same database (pg only: PGlite is one connection). */
  reopen?(opts?: PgOptions): Promise<Db>;
  /** The scratch database's connection string (pg only). */
  url?: string;
  dispose(): Promise<void>;
}

function templateDir(): string {
  const hash = createHash('sha256');
  for (const m of listMigrations()) hash.update(m.name).update(m.sql);
  return join(tmpdir(), `roluatm-cloud-pglite-template-${hash.digest('hex').slice(0, 16)}`);
}

async function ensureTemplate(): Promise<string> {
  const dir = templateDir();
  if (existsSync(dir)) return dir;
  const build = `${dir}.build-${process.pid}-${randomBytes(4).toString('hex')}`;
  const db = await openPgliteDb(build);
  await migrate(db);
  await db.close();
  try {
    renameSync(build, dir); // atomic: a parallel builder that lost the race just drops its copy
  } catch {
    rmSync(build, { recursive: true, force: true });
  }
  return dir;
}

/** A fresh, already migrated PGlite data folder (a copy of the template); the caller removes it. */
export async function pgliteDataDirCopy(): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), 'roluatm-cloud-test-'));
  cpSync(await ensureTemplate(), copy, { recursive: true });
  return copy;
}

async function openPglite(migrated: boolean): Promise<TestDb> {
  const copy = migrated ? await pgliteDataDirCopy() : mkdtempSync(join(tmpdir(), 'roluatm-cloud-test-'));
  const db = await openPgliteDb(copy);
  if (migrated) await migrate(db);
  return {
    db,
    async dispose() {
      await db.close();
      rmSync(copy, { recursive: true, force: true });
    },
  };
}

/** A new, empty Postgres database next to the admin url's; `drop()` removes it (even with open connections). */
export async function createScratchDatabase(adminUrl: string, prefix = 'cloud_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function openPostgres(adminUrl: string, migrated: boolean): Promise<TestDb> {
  const scratch = await createScratchDatabase(adminUrl);
  const db = await openPgDb(scratch.url);
  if (migrated) await migrate(db);
  const extra: Db[] = [];
  return {
    db,
    url: scratch.url,
    async reopen(opts) {
      const d = await openPgDb(scratch.url, opts);
      extra.push(d);
      return d;
    },
    async dispose() {
      for (const d of [db, ...extra]) await d.close().catch(() => undefined);
      await scratch.drop();
    },
  };
}

/** A fresh database for one test file; `migrated: false` gives an empty one (migration tests). */
export function openTestDb(backend: Backend, o: { migrated?: boolean } = {}): Promise<TestDb> {
  const migrated = o.migrated ?? true;
  const url = process.env.DATABASE_URL;
  if (backend === 'pg') {
    if (!url) throw new Error('DATABASE_URL is not set; pg tests need an admin url such as postgres://postgres@127.0.0.1:5432/postgres');
    return openPostgres(url, migrated);
  }
  return openPglite(migrated);
}
