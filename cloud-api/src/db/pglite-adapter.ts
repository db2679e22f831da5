import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db';

/**
 * Embedded Postgres (PGlite) in a data folder, used when DATABASE_URL is not set (ARCHITECTURE.md
 * "Processes"). PGlite is ONE connection: transactions are serialized by a mutex here, and LISTEN/NOTIFY
 * works within this process only (one cloud instance per data folder).
 */
export async function openPgliteDb(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir);
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const wrap = (c: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
      const r = await c.query<T>(sql, params);
      return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
    },
    async exec(sql: string) {
      await c.exec(sql);
    },
  });

  const base = wrap(pg);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    tx: <T>(fn: (q: Queryable) => Promise<T>) => exclusive(() => pg.transaction((t) => fn(wrap(t)))),
    async listen(channel: string, cb: (payload: string) => void) {
      const off = await pg.listen(channel, cb);
      return async () => {
        await off();
      };
    },
    async notify(channel: string, payload: string) {
      await pg.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      await chain;
      await pg.close();
    },
  };
}
