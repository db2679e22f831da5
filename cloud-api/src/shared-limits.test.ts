import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../contract/clock';
import { parseCloudConfig } from './config';
import { startCloud, type RunningCloud } from './start-cloud';
import { silentLog, testEnv } from './testing/harness';
import { openTestDb, type TestDb } from './testing/test-db';

/**
 * Issue 18: rate limits hold across instances. Two cloud instances over HTTP (each with its own pg pool)
 * on one Postgres share one allowance per client address, kept in Postgres or, with REDIS_URL, in Redis.
 * This test is the one trusted proxy (TRUST_PROXY=1, the socket peer): the key is the hop it appended,
 * never what the client wrote on the left.
 */
const stores: Array<readonly ['postgres' | 'redis', { REDIS_URL?: string }]> = [['postgres', {}], ['redis', { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }]];

describe.skipIf(!process.env.DATABASE_URL).each(stores)('rate limits shared by two instances (%s)', (store, extraEnv) => {
  let tdb: TestDb;
  const clouds: RunningCloud[] = [];
  beforeAll(async () => {
    tdb = await openTestDb('pg');
    const config = parseCloudConfig(testEnv({ RATE_LIMIT_IP_PER_MIN: '5', TRUST_PROXY: '1', ...extraEnv }));
    for (let i = 0; i < 2; i++) clouds.push(await startCloud(config, { db: await tdb.reopen!(), clock: systemClock, log: silentLog }));
  });
  afterAll(async () => {
    for (const c of clouds) await c.close();
    await tdb.dispose();
  });

  it('lets one address make its 5 requests a minute across both instances, not 5 on each; another address has its own', async () => {
    // A fresh address per run: a Redis shared with earlier runs keeps their counts for a minute.
    const ip = `10.${randomInt(255)}.${randomInt(255)}.${randomInt(1, 255)}`;
    const other = `10.${randomInt(255)}.${randomInt(255)}.${randomInt(1, 255)}`;
    const get = (i: number, client: string, spoofed = `203.0.113.${i}`) =>
      fetch(`${clouds[i % 2]!.url}/healthz`, { headers: { 'x-forwarded-for': `${spoofed}, ${client}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(i, ip)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = await get(9, ip);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await get(10, other)).status).toBe(200);
    if (store === 'postgres') {
      const { rows } = await tdb.db.query<{ points: number }>('SELECT points FROM rate_limits WHERE key = $1', [`roluatm_ip:${ip}`]);
      expect(rows[0]?.points).toBeGreaterThanOrEqual(8);
    } else {
      const redis = new Redis(extraEnv.REDIS_URL!);
      expect(Number(await redis.get(`roluatm_ip:${ip}`))).toBeGreaterThanOrEqual(8);
      await redis.quit();
    }
  });
});
