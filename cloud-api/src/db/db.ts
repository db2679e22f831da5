import type { Pool } from 'pg';

/**
 * The small database surface the cloud uses (STYLE.md "graphile-worker and pg-boss"): query modules take a
 * Queryable first, so a caller can run several of them inside one transaction. Values are always bound.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations only). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** The pg pool itself (pg only), for libraries that take one: the shared rate limits (shared-limits.ts). */
  readonly pgPool?: Pool;
  /** Runs fn in one transaction: COMMIT when it resolves, ROLLBACK (and rethrow) when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel; resolves to an unsubscribe function. */
  listen?(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

/** Channel on which a new dispense job is announced; the payload is the kiosk id. */
export const JOBS_CHANNEL = 'roluatm_jobs';

export async function notifyTx(q: Queryable, channel: string, payload: string): Promise<void> {
  // pg_notify inside a transaction is delivered at COMMIT, never for a rolled-back one.
  await q.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/** Timestamps come back as Date from both drivers; the API speaks ISO-8601. */
export function iso(v: Date | string): string {
  return (v instanceof Date ? v : new Date(v)).toISOString();
}
