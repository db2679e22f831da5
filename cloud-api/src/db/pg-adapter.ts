import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db';

type Listener = (payload: string) => void;

export interface PgOptions {
  /** A session-mode address for LISTEN when `url` is a transaction pooler (docs/SCALING.md); default `url`. */
  listenUrl?: string;
  /** Pool size (DATABASE_POOL_MAX). */
  poolMax?: number;
  /** statement_timeout for pooled connections, ms; 0 = none (DATABASE_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
  /** Named prepared statements (DATABASE_PREPARED_STATEMENTS, default on; see preparedName). */
  prepared?: boolean;
}

/**
 * Issue 18 profile: Postgres spent most of a cash-out's database time PLANNING its CTE statements (the claim:
 * 2.9 ms unnamed against 0.3 ms prepared, measured on this VM). So every parameterized statement runs as a
 * named prepared statement (pg parses it once per connection, Postgres reuses the plan). The name is a
 * hash of the SQL text; at most MAX_PREPARED distinct texts are named per process (values are always bound,
 * so the cloud's texts are a few hundred at most; past that, unnamed), which bounds the statements each
 * connection keeps. Behind a transaction pooler without prepared-statement support (PgBouncer < 1.21 or
 * `max_prepared_statements = 0`) set DATABASE_PREPARED_STATEMENTS=0 (docs/SCALING.md).
 * A schema change under a running instance (another instance migrated: a rolling deploy) can make Postgres
 * refuse a prepared plan ("cached plan must not change result type", 0A000): that text then gets a new name,
 * and a statement outside a DB transaction is retried once under it.
 */
const MAX_PREPARED = 1000;
/**
 * SQL text → its statement name, made once per text and generation (0 first, one more after each stale plan):
 * hashing the text on every query cost 1.2 % of the instance's CPU (issue 18 round 2, docs/BENCHMARKS.md run E).
 */
const preparedNames = new Map<string, { name: string; generation: number }>();

function preparedName(sql: string): string | undefined {
  const known = preparedNames.get(sql);
  if (known) return known.name;
  if (preparedNames.size >= MAX_PREPARED) return undefined;
  return nameFor(sql, 0);
}

function nameFor(sql: string, generation: number): string {
  const name = `r${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}_${generation}`;
  preparedNames.set(sql, { name, generation });
  return name;
}

function isStalePlan(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '');
}

/**
 * Postgres through a pg Pool. LISTEN uses one dedicated client per process, shared by every subscriber,
 * so many long-polls cost one connection (ARCHITECTURE.md "Processes": LISTEN/NOTIFY is the scale-out path).
 * That client connects to `listenUrl` when given: LISTEN needs a session, which a transaction pooler
 * does not keep (issue 18).
 */
export async function openPgDb(url: string, opts: PgOptions = {}): Promise<Db> {
  const listenUrl = opts.listenUrl ?? url;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? 10,
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
  });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it on next use */
  });
  const listeners = new Map<string, Set<Listener>>();
  let listenClient: Promise<pg.Client> | undefined;

  const prepared = opts.prepared ?? true;
  const run = (c: pg.Pool | pg.PoolClient, sql: string, params: unknown[]) => {
    const name = prepared && params.length > 0 ? preparedName(sql) : undefined;
    return c.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
  };
  const wrap = (c: pg.Pool | pg.PoolClient, inTx: boolean): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
      let r: pg.QueryResult;
      try {
        r = await run(c, sql, params);
      } catch (err) {
        if (!isStalePlan(err)) throw err;
        nameFor(sql, (preparedNames.get(sql)?.generation ?? -1) + 1);
        if (inTx) throw err; // the DB transaction is aborted; the caller's retry uses the new name
        r = await run(c, sql, params);
      }
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });

  let closed = false;
  // The LISTEN connection reconnects by itself (1 s later) and re-LISTENs every channel, so a dropped
  // connection costs at most that second of wake-ups; long-polls still end by their timeout meanwhile.
  function startListener(): Promise<pg.Client> {
    const connecting = connectListener();
    listenClient = connecting;
    connecting.catch(() => {
      if (listenClient === connecting) listenClient = undefined;
      scheduleReconnect();
    });
    return connecting;
  }
  function scheduleReconnect() {
    if (closed || listeners.size === 0) return;
    setTimeout(() => {
      if (!closed && !listenClient) startListener().catch(() => undefined);
    }, 1000).unref();
  }

  async function connectListener(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: listenUrl });
    client.on('notification', (m) => {
      for (const cb of listeners.get(m.channel) ?? []) cb(m.payload ?? '');
    });
    client.on('error', () => {
      listenClient = undefined;
      client.end().catch(() => undefined);
      scheduleReconnect();
    });
    await client.connect();
    for (const ch of listeners.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(ch)}`);
    return client;
  }

  const base = wrap(pool, false);
  return {
    kind: 'pg',
    pgPool: pool,
    query: base.query,
    exec: base.exec,
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client, true));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async listen(channel: string, cb: Listener) {
      const fresh = !listeners.has(channel);
      const set = listeners.get(channel) ?? new Set<Listener>();
      set.add(cb);
      listeners.set(channel, set);
      if (!listenClient) await startListener();
      else if (fresh) await (await listenClient).query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => {
        set.delete(cb);
      };
    },
    async notify(channel: string, payload: string) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      closed = true;
      const lc = listenClient;
      listenClient = undefined;
      if (lc) await lc.then((c) => c.end()).catch(() => undefined);
      await pool.end();
    },
  };
}
