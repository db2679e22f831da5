import { Redis } from 'ioredis';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { CloudConfig } from './config';
import type { Db } from './db/db';
import { createRateLimiter } from './rate-limit';

/**
 * The cloud's rate limits, shared by every instance (issue 18): with N instances behind a load balancer a
 * client gets the limit once, not N times. The store is Redis when REDIS_URL is set, else Postgres when
 * DATABASE_URL is set (table `rate_limits`), through rate-limiter-flexible; PGlite (one instance only)
 * keeps the in-memory token buckets of rate-limit.ts. Shared limits are per fixed minute (`perMinute`
 * requests per key per 60 s window). If the store fails, each instance falls back to its own memory
 * limiter for that request (insurance), so a Redis outage never takes the API down with it.
 */
export type LimitStore = 'memory' | 'postgres' | 'redis';

export interface Limiter {
  /** Takes one request from the key's allowance; `retryAfterSec` when it is used up. Always ok when the limit is 0 (off). */
  take(key: string): Promise<{ ok: true } | { ok: false; retryAfterSec: number }>;
}

export interface Limits {
  store: LimitStore;
  ip: Limiter;
  kiosk: Limiter;
  transaction: Limiter;
  portalLookup: Limiter;
  close(): Promise<void>;
}

const TABLE = 'rate_limits';
/** The table rate-limiter-flexible's Postgres store reads and writes (its own schema), created once. */
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLE} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`;
const CREATE_LOCK_KEY = 7_312_018;

function memoryLimiter(perMinute: number): Limiter {
  const buckets = createRateLimiter(perMinute);
  return {
    take: async (key) => {
      const now = Date.now();
      return buckets.take(key, now) ? { ok: true } : { ok: false, retryAfterSec: buckets.retryAfterSec(key, now) };
    },
  };
}

function storeLimiter(perMinute: number, ready: Promise<RateLimiterAbstract | undefined>, log: Logger, name: string): Limiter {
  return {
    async take(key) {
      if (perMinute <= 0) return { ok: true };
      const limiter = await ready;
      if (!limiter) return { ok: true };
      try {
        await limiter.consume(key);
        return { ok: true };
      } catch (res) {
        if (res instanceof RateLimiterRes) return { ok: false, retryAfterSec: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
        log.warn({ err: res, limit: name }, 'shared rate limit store failed; this request was let through');
        return { ok: true };
      }
    },
  };
}

export function createLimits(config: CloudConfig, db: Db, log: Logger): Limits {
  const perMinute = {
    ip: config.RATE_LIMIT_IP_PER_MIN,
    kiosk: config.RATE_LIMIT_KIOSK_PER_MIN,
    transaction: config.RATE_LIMIT_TRANSACTION_PER_MIN,
    portalLookup: config.PORTAL_LOOKUPS_PER_TRANSACTION_PER_MIN,
  };
  const pool = db.kind === 'pg' ? db.pgPool : undefined;
  const store: LimitStore = config.REDIS_URL ? 'redis' : pool ? 'postgres' : 'memory';
  if (store === 'memory') {
    return {
      store,
      ip: memoryLimiter(perMinute.ip),
      kiosk: memoryLimiter(perMinute.kiosk),
      transaction: memoryLimiter(perMinute.transaction),
      portalLookup: memoryLimiter(perMinute.portalLookup),
      close: async () => undefined,
    };
  }
  // enableOfflineQueue off: while Redis is unreachable a take fails at once (→ insurance), never queues.
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  redis?.on('error', (err: unknown) => log.warn({ err }, 'redis (rate limits) connection error'));
  const table: Promise<void> = pool ? ensureTable(pool) : Promise.resolve();
  table.catch(() => undefined); // reported by each limiter that waits on it; never an unhandled rejection
  const build = (name: keyof typeof perMinute, first: boolean): Limiter => {
    const points = perMinute[name];
    const common = { keyPrefix: `roluatm_${name}`, points, duration: 60, insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }) };
    const ready = points <= 0 ? Promise.resolve(undefined) : redis
      ? Promise.resolve(new RateLimiterRedis({ ...common, storeClient: redis }) as RateLimiterAbstract)
      : table.then(
        () => new RateLimiterPostgres({ ...common, storeClient: pool, storeType: 'pool', tableName: TABLE, tableCreated: true, clearExpiredByTimeout: first }) as RateLimiterAbstract,
        (err: unknown) => {
          log.error({ err }, 'rate_limits table could not be created; limits fall back to memory');
          return new RateLimiterMemory({ points, duration: 60 }) as RateLimiterAbstract;
        },
      );
    return storeLimiter(points, ready, log, name);
  };
  return {
    store,
    ip: build('ip', true),
    kiosk: build('kiosk', false),
    transaction: build('transaction', false),
    portalLookup: build('portalLookup', false),
    close: async () => {
      if (redis) await redis.quit().catch(() => undefined);
    },
  };
}

/** Creates the store's table once; the advisory lock keeps instances starting together from racing on it. */
async function ensureTable(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [CREATE_LOCK_KEY]);
    await client.query(CREATE_TABLE);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
