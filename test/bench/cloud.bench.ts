import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, setGlobalDispatcher } from 'undici';
import { newId } from '../../contract/clock';
import { parseCloudConfig } from '../../cloud-api/src/config';
import { createCloudLogger } from '../../cloud-api/src/log';
import { startCloud } from '../../cloud-api/src/start-cloud';
import { testEnv, OPERATOR_TOKEN } from '../../cloud-api/src/testing/harness';
import { createScratchDatabase } from '../../cloud-api/src/testing/test-db';
import { fakeWorldIdResult } from '../../cloud-api/src/testing/world-id-result';
import { startFakePortal } from '../../sim/worldid/portal';
import { emit, percentile, round } from './figure';

/**
 * cloud_cashouts_per_s / cloud_p95_ms / cloud_rss_mb: 1,000 enrolled kiosks each hold a long-poll on
 * loopback HTTP while cash-outs are driven through create → world-id (fake portal) → job delivered to
 * that kiosk's long-poll (→ ack). Latency is create-sent to job-received. Postgres when DATABASE_URL is
 * set (a scratch database), else PGlite. Rate limits are off: every client shares 127.0.0.1.
 */
const KIOSKS = Number(process.env.BENCH_KIOSKS ?? 1000);
const CASHOUTS = Number(process.env.BENCH_CASHOUTS ?? 400);
const CONCURRENCY = 16;
setGlobalDispatcher(new Agent({ connections: null, keepAliveTimeout: 60_000, pipelining: 1 }));

async function call(url: string, init: { method?: string; token?: string; body?: unknown; signal?: AbortSignal } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal });
}

async function pool<T>(n: number, items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const portal = await startFakePortal();
const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'cloud_bench') : undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'bench-cloud-'));
const config = parseCloudConfig(testEnv({
  DEV_PORTAL_BASE_URL: portal.url, DATA_DIR: dataDir, RATE_LIMIT_IP_PER_MIN: '0', RATE_LIMIT_KIOSK_PER_MIN: '0',
  PER_HUMAN_DAILY_COUNT: '1000', ...(scratch ? { DATABASE_URL: scratch.url } : {}),
}));
const cloud = await startCloud(config, { log: createCloudLogger('error') });
const base = cloud.url;

const kiosks: Array<{ token: string }> = [];
await pool(32, Array.from({ length: KIOSKS }, (_, i) => i), async (i) => {
  const { code } = (await (await call(`${base}/v1/fleet/enrollment-codes`, { method: 'POST', token: OPERATOR_TOKEN })).json()) as { code: string };
  const res = await call(`${base}/v1/kiosks/enroll`, { method: 'POST', body: { code, name: `bench-${i}` } });
  kiosks[i] = { token: ((await res.json()) as { token: string }).token };
});
process.stderr.write(`enrolled ${KIOSKS} kiosks on ${cloud.db.kind}\n`);

// Every kiosk long-polls; a delivered job resolves its transaction's waiter, then is acked.
const waiters = new Map<string, (at: number) => void>();
const stop = new AbortController();
let polls = 0;
const pollers = kiosks.map(async (k) => {
  while (!stop.signal.aborted) {
    try {
      const res = await call(`${base}/v1/jobs/next?wait=25`, { token: k.token, signal: stop.signal });
      polls += 1;
      if (res.status !== 200) {
        await res.body?.cancel();
        continue;
      }
      const { job } = (await res.json()) as { job: { id: string; transaction_id: string } };
      waiters.get(job.transaction_id)?.(performance.now());
      await (await call(`${base}/v1/jobs/${job.id}/ack`, { method: 'POST', token: k.token })).body?.cancel();
    } catch {
      if (!stop.signal.aborted) await new Promise((r) => setTimeout(r, 100));
    }
  }
});
await new Promise((r) => setTimeout(r, 2000)); // let every kiosk reach its wait

const latencies: number[] = [];
const started = performance.now();
await pool(CONCURRENCY, Array.from({ length: CASHOUTS }, (_, i) => i), async (i) => {
  const k = kiosks[(i * 7919) % KIOSKS]!;
  const id = newId();
  const delivered = new Promise<number>((resolve) => waiters.set(id, resolve));
  const t0 = performance.now();
  const created = (await (await call(`${base}/v1/transactions`, { method: 'POST', token: k.token, body: { id, amount_cents: 500 } })).json()) as {
    world_id: { action: string }; rp_context: { nonce: string };
  };
  const result = fakeWorldIdResult({ signal: id, action: created.world_id.action, nonce: created.rp_context.nonce, identity: `bench-${i}` });
  const res = await call(`${base}/v1/transactions/${id}/world-id`, { method: 'POST', token: k.token, body: { result } });
  if (res.status !== 200) throw new Error(`world-id answered ${res.status}: ${await res.text()}`);
  latencies.push((await delivered) - t0);
  waiters.delete(id);
});
const seconds = (performance.now() - started) / 1000;
const rssMb = process.memoryUsage().rss / 1024 / 1024;
stop.abort();
await Promise.allSettled(pollers);
await cloud.close();
await portal.close();
await scratch?.drop();
rmSync(dataDir, { recursive: true, force: true });

const detail = { kiosks: KIOSKS, cashouts: CASHOUTS, concurrency: CONCURRENCY, db: cloud.db.kind, long_poll_answers: polls };
emit({ name: 'cloud_cashouts_per_s', value: round(CASHOUTS / seconds, 1), unit: 'cash-outs/s', detail });
emit({ name: 'cloud_p95_ms', value: round(percentile(latencies, 95), 1), unit: 'ms', detail: { ...detail, p50_ms: round(percentile(latencies, 50), 1), what: 'create sent → job received on the long-poll' } });
emit({ name: 'cloud_rss_mb', value: round(rssMb, 1), unit: 'MB', detail: { ...detail, note: 'one process: cloud API + fake portal + 1,000 polling clients' } });
process.exit(0);
