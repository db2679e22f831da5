import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startFakePortal } from '../../sim/worldid/portal';
import { measureCashOutCost } from '../../cloud-api/src/testing/cashout-cost';
import { startCloudFleet, type CloudFleet } from '../scale/cloud-fleet';
import { call, cashOut, enrollKiosks, pool, startPollers, type Kiosk, type Pollers } from '../scale/cloud-load';
import { summarizeProfile } from './cpu-profile';
import { emit, percentile, round } from './figure';

/**
 * The cloud figures of issue 18. The cloud runs from its production build in its own process(es) on
 * Postgres (DATABASE_URL, a scratch database per fleet); this process is only the load generator (kiosks
 * long-polling, the cash-out driver) and the fake World ID portal.
 * 1. One instance, BENCH_KIOSKS (1,000) long-polling kiosks, BENCH_CASHOUTS (400) cash-outs 16 at a time:
 *    cloud_cashouts_per_s and cloud_p95_ms (create sent → job received on the long-poll), baseline the
 *    cheapest authenticated call (GET /v1/jobs/next?wait=0) at the same concurrency; cloud_rss_mb of that
 *    instance, baseline its RSS idle after start. BENCH_CPU_PROF=1 profiles this instance (stderr).
 * 0. cloud_statements_per_cashout: the SQL statements one cash-out sends (create, World ID, job delivered,
 *    ack, payout result; cloud-api/src/testing/cashout-cost.ts on a scratch Postgres database), load-independent;
 *    baseline the statements of one empty long-poll look, the call every kiosk repeats every 25 s.
 * 2. Three instances behind HAProxy, same kiosks and cash-outs: cloud_3x_cashouts_per_s (baseline: 1.).
 *    Then one instance is SIGKILLed and a batch of cash-outs follows at once: cloud_failover_lost_jobs
 *    (paid, job never received; baseline: the same count before the kill) and cloud_failover_recovery_s
 *    (kill → the last job of that batch received; baseline: the same batch with every instance up).
 */
const KIOSKS = Number(process.env.BENCH_KIOSKS ?? 1000);
const CASHOUTS = Number(process.env.BENCH_CASHOUTS ?? 400);
const BATCH = 30;
const CONCURRENCY = 16;
const PROFILE = process.env.BENCH_CPU_PROF === '1';
if (!process.env.DATABASE_URL) {
  process.stderr.write('cloud bench: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the figures are on Postgres)\n');
  process.exit(2);
}

const portal = await startFakePortal();
const env = {
  DEV_PORTAL_BASE_URL: portal.url, RATE_LIMIT_IP_PER_MIN: '0', RATE_LIMIT_KIOSK_PER_MIN: '0', TRUST_PROXY: '1',
  PER_HUMAN_DAILY_COUNT: '100000', JOB_LEASE_SEC: '10', DATABASE_POOL_MAX: '20',
};
let identity = 0;
const person = () => `bench-${process.pid}-${identity++}`;

async function withKiosks<T>(fleet: CloudFleet, fn: (kiosks: Kiosk[], pollers: Pollers) => Promise<T>): Promise<T> {
  const kiosks = await enrollKiosks(fleet.url, KIOSKS);
  const pollers = startPollers(fleet.url, kiosks, 25);
  await new Promise((r) => setTimeout(r, 3000)); // every kiosk reaches its long-poll
  try {
    return await fn(kiosks, pollers);
  } finally {
    await pollers.stop();
  }
}

async function cashOuts(base: string, pollers: Pollers, kiosks: Kiosk[], n: number, concurrency = CONCURRENCY) {
  const ms: number[] = [];
  const started = performance.now();
  await pool(concurrency, Array.from({ length: n }, (_, i) => i), async (i) => {
    ms.push((await cashOut(base, pollers, kiosks[(i * 7919) % kiosks.length]!, person())).ms);
  });
  return { perSec: n / ((performance.now() - started) / 1000), ms };
}

// ---- 0. statements per cash-out (in this process, the app on a scratch database; no wall clock) ----
const cost = await measureCashOutCost('pg');
emit({
  name: 'cloud_statements_per_cashout', value: cost.total.statements, unit: 'statements',
  baseline: { name: 'statements of one empty long-poll look (GET /v1/jobs/next, no job)', value: cost.steps.empty_long_poll.statements },
  detail: {
    round_trips: cost.total.roundTrips, db_transactions: cost.total.transactions,
    steps: Object.fromEntries(Object.entries(cost.steps).map(([k, v]) => [k, v.statements])),
    before_issue_18_work: { statements: 39, round_trips: 47, db_transactions: 4, counted_on: '67b7a13, same flow (docs/BENCHMARKS.md)' },
    pinned_by: 'cloud-api/src/testing/cashout-cost.test.ts',
  },
});

/**
 * CPU time one cash-out costs the instance and its Postgres backends (ms, user + system from /proc): on a shared
 * machine far steadier than the wall-clock figures, though contention still inflates it somewhat. The long-polls'
 * own looks during the run are included (they are part of serving cash-outs).
 */
async function withCpu<T>(fleet: CloudFleet, fn: () => Promise<T>): Promise<T & { cpu: { instanceMs: number; postgresMs: number } }> {
  const inst0 = fleet.instances[0]!.cpuMs();
  const pg0 = await fleet.dbBackendsCpuMs();
  const out = await fn();
  const instanceMs = fleet.instances[0]!.cpuMs() - inst0;
  let postgresMs = 0;
  for (const [pid, ms] of await fleet.dbBackendsCpuMs()) postgresMs += ms - (pg0.get(pid) ?? 0);
  return { ...out, cpu: { instanceMs, postgresMs } };
}

/** The same cash-outs on a second single instance without named prepared statements: the baseline of cloud_cpu_ms_per_cashout. */
async function unpreparedCpu() {
  const fleet = await startCloudFleet({ instances: 1, balancer: false, env: { ...env, DATABASE_PREPARED_STATEMENTS: '0' } });
  try {
    return await withKiosks(fleet, async (kiosks, pollers) => {
      await cashOuts(fleet.url, pollers, kiosks, 40);
      return withCpu(fleet, () => cashOuts(fleet.url, pollers, kiosks, CASHOUTS));
    });
  } finally {
    await fleet.close();
  }
}

// ---- 1. one instance ----
const profDir = PROFILE ? mkdtempSync(join(tmpdir(), 'cloud-prof-')) : undefined;
const one = await startCloudFleet({ instances: 1, balancer: false, env, ...(profDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir], cpuProfDir: profDir } : {}) });
const idleRss = one.instances[0]!.rssMb();
const single = await withKiosks(one, async (kiosks, pollers) => {
  const floorMs: number[] = [];
  const floorStart = performance.now();
  await pool(CONCURRENCY, Array.from({ length: CASHOUTS }, (_, i) => i), async (i) => {
    const t0 = performance.now();
    const res = await call(`${one.url}/v1/jobs/next?wait=0`, { token: kiosks[(i * 31) % kiosks.length]!.token });
    await res.body?.cancel();
    floorMs.push(performance.now() - t0);
  });
  const floorPerSec = CASHOUTS / ((performance.now() - floorStart) / 1000);
  await cashOuts(one.url, pollers, kiosks, 40); // warm-up (JIT, pools)
  const run = await withCpu(one, () => cashOuts(one.url, pollers, kiosks, CASHOUTS));
  process.stderr.write(`instance log lines: ${JSON.stringify(one.instances[0]!.logLines())}\n`);
  return { ...run, floorPerSec, floorMs, rss: one.instances[0]!.rssMb(), polls: pollers.polls };
});
await one.close();
const detail = { kiosks: KIOSKS, cashouts: CASHOUTS, concurrency: CONCURRENCY, db: 'postgres', server: 'node dist/server.js, own process', long_poll_answers: single.polls };
emit({
  name: 'cloud_cashouts_per_s', value: round(single.perSec, 1), unit: 'cash-outs/s', target: '>= 200',
  baseline: { name: 'kiosk_auth_requests_per_s (GET /v1/jobs/next?wait=0)', value: round(single.floorPerSec, 1) }, detail,
});
emit({
  name: 'cloud_p95_ms', value: round(percentile(single.ms, 95), 1), unit: 'ms', target: '<= 250',
  baseline: { name: 'kiosk_auth_request_p95_ms', value: round(percentile(single.floorMs, 95), 1) },
  detail: { ...detail, p50_ms: round(percentile(single.ms, 50), 1), what: 'create sent → job received on the long-poll' },
});
emit({
  name: 'cloud_rss_mb', value: round(single.rss, 1), unit: 'MB', baseline: { name: 'cloud_idle_rss_mb (after start)', value: round(idleRss, 1) },
  detail: { ...detail, note: 'the cloud instance process alone, after the cash-outs with 1,000 long-polls open' },
});
const unprepared = await unpreparedCpu();
const perCashout = (c: { instanceMs: number; postgresMs: number }) => round((c.instanceMs + c.postgresMs) / CASHOUTS, 2);
emit({
  name: 'cloud_cpu_ms_per_cashout', value: perCashout(single.cpu), unit: 'ms CPU',
  baseline: { name: 'the same without named prepared statements (DATABASE_PREPARED_STATEMENTS=0), this run', value: perCashout(unprepared.cpu) },
  detail: {
    instance_ms: round(single.cpu.instanceMs / CASHOUTS, 2), postgres_ms: round(single.cpu.postgresMs / CASHOUTS, 2),
    baseline_instance_ms: round(unprepared.cpu.instanceMs / CASHOUTS, 2), baseline_postgres_ms: round(unprepared.cpu.postgresMs / CASHOUTS, 2),
    baseline_cashouts_per_s: round(unprepared.perSec, 1), baseline_p95_ms: round(percentile(unprepared.ms, 95), 1),
    what: 'user + system CPU of the instance and its Postgres backends during the cash-out run, per cash-out (/proc)',
  },
});
if (profDir) {
  const summary = summarizeProfile(profDir);
  process.stderr.write(`cpu profile of the instance (self time, ms): ${JSON.stringify(summary, null, 1)}\n`);
  rmSync(profDir, { recursive: true, force: true });
}

// ---- 2. three instances behind HAProxy, then one killed ----
const three = await startCloudFleet({ instances: 3, balancer: true, env });
await withKiosks(three, async (kiosks, pollers) => {
  await cashOuts(three.url, pollers, kiosks, 40);
  const run = await cashOuts(three.url, pollers, kiosks, CASHOUTS);
  emit({
    name: 'cloud_3x_cashouts_per_s', value: round(run.perSec, 1), unit: 'cash-outs/s',
    baseline: { name: 'cloud_cashouts_per_s (one instance, this run)', value: round(single.perSec, 1) },
    detail: { ...detail, instances: 3, balancer: 'haproxy roundrobin', p95_ms: round(percentile(run.ms, 95), 1), note: 'all three instances and the load generator share the same 2 cores' },
  });
  const spread = (n: number, offset: number) => Array.from({ length: n }, (_, i) => kiosks[(i * 33 + offset) % kiosks.length]!);
  const batch = async (ks: Kiosk[]) => {
    const ids: string[] = [];
    const lost: string[] = [];
    await pool(8, ks, async (k) => {
      try {
        ids.push((await cashOut(three.url, pollers, k, person(), 45_000)).id);
      } catch (err) {
        lost.push(String(err));
      }
    });
    return { ids, lost };
  };
  const t0 = performance.now();
  const before = await batch(spread(BATCH, 1));
  const beforeS = (performance.now() - t0) / 1000;
  const killedAt = performance.now();
  await three.instances[1]!.kill();
  const after = await batch(spread(BATCH, 2));
  const recoveryS = (performance.now() - killedAt) / 1000;
  emit({
    name: 'cloud_failover_lost_jobs', value: after.lost.length, unit: 'jobs', target: '0',
    baseline: { name: 'lost jobs in the same batch before the kill', value: before.lost.length },
    detail: { batch: BATCH, errors: after.lost.slice(0, 3), redeliveries: pollers.redeliveries, job_lease_sec: 10 },
  });
  emit({
    name: 'cloud_failover_recovery_s', value: round(recoveryS, 2), unit: 's',
    baseline: { name: 'the same batch of cash-outs with all three instances up', value: round(beforeS, 2) },
    detail: { what: `SIGKILL of one of three instances → the last of ${BATCH} cash-outs to kiosks spread over the fleet received its job`, haproxy: 'check inter 300 ms, fall 1, retry-on conn-failure/empty-response' },
  });
});
await three.close();
await portal.close();
process.exit(0);
