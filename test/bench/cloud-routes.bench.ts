import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../../contract/clock';
import { portalCall } from '../../cloud-api/src/portal-http';
import { fakeWorldIdResult } from '../../cloud-api/src/testing/world-id-result';
import { startFakePortal } from '../../sim/worldid/portal';
import { startCloudFleet, type CloudInstance } from '../scale/cloud-fleet';
import { call, enrollKiosks, type Kiosk } from '../scale/cloud-load';
import { summarizeProfile } from './cpu-profile';
import { emit, round } from './figure';

/**
 * `cloud_cpu_ms_per_request` (issue 18, round 2): where the cloud instance's own CPU goes, per route. One
 * instance from the production build in its own process on a scratch Postgres database; this process sends
 * BENCH_ROUTE_N (200) requests of ONE kind, one after another, and reads the instance's user + system CPU
 * (/proc, 10 ms ticks: 200 requests make the tick error ≤ 0.05 ms each) before and after the batch; the figure is
 * the median of BENCH_ROUTE_ROUNDS (3) rounds of every batch (a shared machine). Each route is one JSON line; the baseline is GET /healthz in the same run (HTTP in and out, no database).
 * Routes, in a cash-out's order: create, world_id (the fake portal answers from this process), job_deliver
 * (GET /v1/jobs/next?wait=0 with a job), ack, sync (one payout.result), empty_look (wait=0, no job);
 * long_poll_open (N kiosks each open wait=25 and settle) and long_poll_wake (world_id with that kiosk's long-poll
 * open, until the job arrives on it, minus world_id: the NOTIFY, the wake-up, the claim and the job sent).
 * BENCH_CPU_PROF=1 adds the instance's profile (stderr).
 * `cloud_portal_call_cpu_ms`: CPU of one Developer Portal call as the cloud makes it (portal-http.ts, undici
 * `request`), in this process against the fake portal (its answer included), baseline the same call through `fetch`.
 */
const N = Number(process.env.BENCH_ROUTE_N ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUTE_ROUNDS ?? 3);
const PROFILE = process.env.BENCH_CPU_PROF === '1';
if (!process.env.DATABASE_URL) {
  process.stderr.write('cloud-routes bench: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n');
  process.exit(2);
}

const portal = await startFakePortal();
const env = {
  DEV_PORTAL_BASE_URL: portal.url, RATE_LIMIT_IP_PER_MIN: '0', RATE_LIMIT_KIOSK_PER_MIN: '0', RATE_LIMIT_TRANSACTION_PER_MIN: '0',
  TRUST_PROXY: '1', PER_HUMAN_DAILY_COUNT: '100000', JOB_LEASE_SEC: '60', DATABASE_POOL_MAX: '20',
};
const profDir = PROFILE ? mkdtempSync(join(tmpdir(), 'cloud-routes-prof-')) : undefined;
const fleet = await startCloudFleet({ instances: 1, balancer: false, env, ...(profDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir], cpuProfDir: profDir } : {}) });
const inst: CloudInstance = fleet.instances[0]!;
const base = fleet.url;

async function ok(res: Response, status: number[], what: string): Promise<Response> {
  if (!status.includes(res.status)) throw new Error(`${what} answered ${res.status}: ${await res.text()}`);
  return res;
}

/** CPU ms of the instance over `fn`, per item. */
async function perItem<T>(items: T[], fn: (item: T, i: number) => Promise<void>): Promise<number> {
  const c0 = inst.cpuMs();
  for (const [i, item] of items.entries()) await fn(item, i);
  return (inst.cpuMs() - c0) / items.length;
}

interface Cashout { kiosk: Kiosk; id: string; action: string; nonce: string; jobId?: string; coins?: number }

const create = (kiosks: Kiosk[], out: Cashout[]) => perItem(kiosks, async (kiosk) => {
  const id = newId();
  const res = await ok(await call(`${base}/v1/transactions`, { method: 'POST', token: kiosk.token, body: { id, amount_cents: 500 } }), [201], 'create');
  const body = (await res.json()) as { world_id: { action: string }; rp_context: { nonce: string } };
  out.push({ kiosk, id, action: body.world_id.action, nonce: body.rp_context.nonce });
});
let identity = 0;
const worldId = async (c: Cashout) => {
  const result = fakeWorldIdResult({ signal: c.id, action: c.action, nonce: c.nonce, identity: `routes-${process.pid}-${identity++}` });
  await (await ok(await call(`${base}/v1/transactions/${c.id}/world-id`, { method: 'POST', token: c.kiosk.token, body: { result } }), [200], 'world-id')).body?.cancel();
};
const ack = async (c: Cashout) => {
  await (await ok(await call(`${base}/v1/jobs/${c.jobId}/ack`, { method: 'POST', token: c.kiosk.token }), [200], 'ack')).body?.cancel();
};
const takeJob = async (c: Cashout, res: Response) => {
  const { job } = (await (await ok(res, [200], 'jobs/next')).json()) as { job: { id: string; transaction_id: string; coins: number } };
  if (job.transaction_id !== c.id) throw new Error(`kiosk got the job of ${job.transaction_id}, not ${c.id}`);
  c.jobId = job.id;
  c.coins = job.coins;
};

const kiosks = await enrollKiosks(base, N);
// Warm-up: JIT, pools, prepared statements (one cash-out per 10 kiosks, through every route).
{
  const warm: Cashout[] = [];
  await create(kiosks.slice(0, Math.ceil(N / 10)), warm);
  for (const c of warm) {
    await worldId(c);
    await takeJob(c, await call(`${base}/v1/jobs/next?wait=0`, { token: c.kiosk.token }));
    await ack(c);
  }
  for (let i = 0; i < N; i++) await (await call(`${base}/healthz`)).body?.cancel();
}

/** Each kiosk's last synced event seq (a new payout.result each round, never a replay). */
const syncSeq = new Map<number, number>();
/** One round: every route's batch once. The figure is each route's median over BENCH_ROUTE_ROUNDS rounds. */
async function oneRound(): Promise<Record<string, number>> {
  const ms: Record<string, number> = {};
  ms.health = await perItem(kiosks, async () => {
    await (await ok(await call(`${base}/healthz`), [200], 'health')).body?.cancel();
  });
  ms.empty_look = await perItem(kiosks, async (k) => {
    await (await ok(await call(`${base}/v1/jobs/next?wait=0`, { token: k.token }), [204], 'empty look')).body?.cancel();
  });
  const round1: Cashout[] = [];
  ms.create = await create(kiosks, round1);
  ms.world_id = await perItem(round1, worldId);
  ms.job_deliver = await perItem(round1, async (c) => takeJob(c, await call(`${base}/v1/jobs/next?wait=0`, { token: c.kiosk.token })));
  ms.ack = await perItem(round1, ack);
  ms.sync = await perItem(round1, async (c) => {
    const event = {
      seq: (syncSeq.get(c.kiosk.index) ?? 0) + 1, id: newId(), occurred_at: new Date().toISOString(), type: 'payout.result',
      payload: { job_id: c.jobId, transaction_id: c.id, coins_ordered: c.coins, coins_paid: c.coins, coins_unpaid: 0, outcome: 'completed' },
    };
    await (await ok(await call(`${base}/v1/sync`, { method: 'POST', token: c.kiosk.token, body: { events: [event] } }), [200], 'sync')).body?.cancel();
    syncSeq.set(c.kiosk.index, event.seq);
  });

  // Then every kiosk holds a long-poll, and each World ID wakes its kiosk's.
  const round2: Cashout[] = [];
  await create(kiosks, round2);
  const polls = new Map<string, Promise<Response>>();
  const c0 = inst.cpuMs();
  for (const c of round2) polls.set(c.id, call(`${base}/v1/jobs/next?wait=25`, { token: c.kiosk.token }));
  await new Promise((r) => setTimeout(r, 1500)); // every long-poll has looked once and waits
  ms.long_poll_open = (inst.cpuMs() - c0) / N;
  const wokenPlusWorldId = await perItem(round2, async (c) => {
    await worldId(c);
    await takeJob(c, await polls.get(c.id)!);
  });
  ms.long_poll_wake = wokenPlusWorldId - ms.world_id;
  for (const c of round2) await ack(c);
  return ms;
}
const rounds: Array<Record<string, number>> = [];
for (let r = 0; r < ROUNDS; r++) rounds.push(await oneRound());
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const ms: Record<string, number> = Object.fromEntries(Object.keys(rounds[0]!).map((k) => [k, median(rounds.map((r) => r[k]!))]));

/** The portal call, client and fake portal in this process: process.cpuUsage, µs. */
async function portalCallCpu(viaFetch: boolean): Promise<number> {
  const url = `${portal.url}/api/v4/verify/rp_0`; // a junk result: the fake portal refuses it with a JSON body, as the real one refuses a bad proof
  const body = JSON.stringify({ responses: [{ proof: 'x'.repeat(1500) }] });
  const one = async () => {
    if (!viaFetch) return void (await portalCall(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs: 5000 }));
    await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) })).json().catch(() => undefined);
  };
  for (let i = 0; i < 300; i++) await one();
  const c0 = process.cpuUsage();
  for (let i = 0; i < 2000; i++) await one();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / 2000;
}
const viaFetch: number[] = [];
const viaRequest: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  viaFetch.push(await portalCallCpu(true));
  viaRequest.push(await portalCallCpu(false));
}

const idle0 = inst.cpuMs();
await new Promise((r) => setTimeout(r, 2000));
const idleMsPerS = (inst.cpuMs() - idle0) / 2;
await fleet.close();
await portal.close();

const cashout = ms.create! + ms.world_id! + ms.long_poll_wake! + ms.ack! + ms.sync!;
for (const route of ['create', 'world_id', 'job_deliver', 'long_poll_open', 'long_poll_wake', 'ack', 'sync', 'empty_look'] as const) {
  emit({
    name: 'cloud_cpu_ms_per_request', value: round(ms[route]!, 2), unit: 'ms CPU',
    baseline: { name: 'GET /healthz, this run', value: round(ms.health!, 2) },
    detail: {
      route, requests: N, rounds: ROUNDS, each_round: rounds.map((r) => round(r[route]!, 2)), baseline_each_round: rounds.map((r) => round(r.health!, 2)), sequential: true, server: 'node dist/server.js, own process, Postgres', source: '/proc/PID/stat utime+stime',
      ...(route === 'long_poll_wake' ? { sum_of_a_cashouts_routes_ms: round(cashout, 2), of: 'create + world_id + long_poll_wake + ack + sync' } : {}),
      idle_instance_ms_per_s: round(idleMsPerS, 2),
    },
  });
}
emit({
  name: 'cloud_portal_call_cpu_ms', value: round(median(viaRequest), 3), unit: 'ms CPU',
  baseline: { name: 'the same call through fetch (before issue 18 round 2), this run', value: round(median(viaFetch), 3) },
  detail: { calls: 2000, rounds: ROUNDS, each_round: viaRequest.map((x) => round(x, 3)), baseline_each_round: viaFetch.map((x) => round(x, 3)), what: 'client (cloud-api/src/portal-http.ts) + the fake portal, one process, process.cpuUsage' },
});
if (profDir) {
  const summary = summarizeProfile(profDir, 30);
  process.stderr.write(`cpu profile of the instance (self time, ms): ${JSON.stringify(summary, null, 1)}\n`);
  if (process.env.BENCH_CPU_PROF_KEEP) process.stderr.write(`profile kept in ${profDir}\n`);
  else rmSync(profDir, { recursive: true, force: true });
}
process.exit(0);
