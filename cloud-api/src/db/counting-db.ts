import type { Db, Queryable, QueryResult } from './db';

/**
 * What the cloud asks of its database, counted (issue 18: a cash-out's cost in statements and round
 * trips does not depend on the machine's load, so it is the figure that cannot silently grow back).
 * `statements` = every query the code sends; `roundTrips` = those plus each transaction's BEGIN and
 * COMMIT (pg-adapter.ts sends both as their own round trips); `transactions` = db.tx calls.
 * Counts what passes through the Db interface only: the shared rate limits' store (shared-limits.ts)
 * talks to the pg pool directly and is not in these numbers (off when its limits are 0).
 */
export interface DbCounts {
  statements: number;
  roundTrips: number;
  transactions: number;
}

export interface CountingDb extends Db {
  /** Counts since the last reset (or since wrapping). */
  counts(): DbCounts;
  /** The SQL sent since the last reset, first line of each, for a failing test's message. */
  log(): string[];
  reset(): void;
}

export function countingDb(inner: Db): CountingDb {
  const c: DbCounts = { statements: 0, roundTrips: 0, transactions: 0 };
  let sent: string[] = [];
  const record = (sql: string) => {
    c.statements += 1;
    c.roundTrips += 1;
    sent.push(sql.trim().split('\n')[0]!.slice(0, 100));
  };
  const wrap = (q: Queryable): Queryable => ({
    query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      record(sql);
      return q.query<T>(sql, params);
    },
    exec(sql: string) {
      record(sql);
      return q.exec(sql);
    },
  });
  const outer = wrap(inner);
  return {
    kind: inner.kind,
    ...(inner.pgPool ? { pgPool: inner.pgPool } : {}),
    query: outer.query,
    exec: outer.exec,
    tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      c.transactions += 1;
      c.roundTrips += 2;
      sent.push('BEGIN … COMMIT');
      return inner.tx((q) => fn(wrap(q)));
    },
    ...(inner.listen ? { listen: inner.listen.bind(inner) } : {}),
    notify(channel: string, payload: string) {
      record('NOTIFY (db.notify)');
      return inner.notify(channel, payload);
    },
    close: () => inner.close(),
    counts: () => ({ ...c }),
    log: () => [...sent],
    reset() {
      c.statements = 0;
      c.roundTrips = 0;
      c.transactions = 0;
      sent = [];
    },
  };
}
