import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Agent, setGlobalDispatcher } from 'undici';
import { newId } from '../../contract/clock';
import { OPERATOR_TOKEN } from '../../cloud-api/src/testing/harness';
import { fakeWorldIdResult } from '../../cloud-api/src/testing/world-id-result';

/**
 * The load generator of the multi-instance test and the cloud benches (issue 18): kiosks that enrol,
 * long-poll for jobs and ack each job once, and a driver of cash-outs (create → World ID → job on the
 * long-poll). It runs in the caller's process, never in a cloud instance's. A step that meets a dying
 * instance (network error, 502/503) is retried: both calls are idempotent (same id, same proof).
 */
setGlobalDispatcher(new Agent({ connections: null, keepAliveTimeout: 60_000, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 }));

export interface Kiosk {
  index: number;
  token: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function call(url: string, init: { method?: string; token?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal });
}

/** Retries a call while the answer is a network error or 502/503/504 (an instance died under it). */
async function retrying(fn: () => Promise<Response>, tries = 40): Promise<Response> {
  for (let i = 0; ; i++) {
    try {
      const res = await fn();
      if (![502, 503, 504].includes(res.status) || i >= tries) return res;
      await res.body?.cancel();
    } catch (err) {
      if (i >= tries) throw err;
    }
    await sleep(100);
  }
}

export async function pool<T>(n: number, items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export async function enrollKiosks(base: string, n: number): Promise<Kiosk[]> {
  const kiosks: Kiosk[] = [];
  await pool(16, Array.from({ length: n }, (_, i) => i), async (i) => {
    const codeRes = await retrying(() => call(`${base}/v1/fleet/enrollment-codes`, { method: 'POST', token: OPERATOR_TOKEN }));
    const { code } = (await codeRes.json()) as { code: string };
    const res = await retrying(() => call(`${base}/v1/kiosks/enroll`, { method: 'POST', body: { code, name: `scale-${i}` } }));
    if (res.status !== 201) throw new Error(`enrol answered ${res.status}: ${await res.text()}`);
    kiosks[i] = { index: i, token: ((await res.json()) as { token: string }).token };
  });
  return kiosks;
}

export interface Delivery {
  jobId: string;
  transactionId: string;
  kiosk: number;
  at: number;
}

export interface Pollers {
  /** Every distinct job each kiosk received, first receipt time (a redelivered job is not counted twice). */
  deliveries: Map<string, Delivery>;
  /** Times a job id came again (lease ran out before the ack landed, e.g. its instance died). */
  redeliveries: number;
  /** Acks sent, one per distinct job. */
  acks: number;
  polls: number;
  pollErrors: number;
  /** Kiosks whose long-poll failed (network error or 5xx) since the mark, and when. */
  failedSince(mark: number): Map<number, number>;
  onJob(transactionId: string, cb: (at: number) => void): void;
  stop(): Promise<void>;
}

/** Every kiosk holds a long-poll (`wait` s); a job is acked once (retried until the cloud answers). */
export function startPollers(base: string, kiosks: Kiosk[], wait = 25): Pollers {
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // one abort listener per open long-poll (1,000 and more)
  const deliveries = new Map<string, Delivery>();
  const waiters = new Map<string, (at: number) => void>();
  const failures = new Map<number, number>();
  const stats = { redeliveries: 0, acks: 0, polls: 0, pollErrors: 0 };
  const loops = kiosks.map(async (k) => {
    while (!stop.signal.aborted) {
      try {
        const res = await call(`${base}/v1/jobs/next?wait=${wait}`, { token: k.token, signal: stop.signal });
        stats.polls += 1;
        if (res.status !== 200) {
          await res.body?.cancel();
          if (res.status >= 500) {
            stats.pollErrors += 1;
            failures.set(k.index, performance.now());
            await sleep(100);
          } else if (res.status === 429) await sleep(1000);
          continue;
        }
        const { job } = (await res.json()) as { job: { id: string; transaction_id: string } };
        const at = performance.now();
        if (deliveries.has(job.id)) stats.redeliveries += 1;
        else {
          deliveries.set(job.id, { jobId: job.id, transactionId: job.transaction_id, kiosk: k.index, at });
          waiters.get(job.transaction_id)?.(at);
        }
        const ack = await retrying(() => call(`${base}/v1/jobs/${job.id}/ack`, { method: 'POST', token: k.token }));
        await ack.body?.cancel();
        if (ack.status === 200) stats.acks += 1;
      } catch {
        if (stop.signal.aborted) break;
        stats.pollErrors += 1;
        failures.set(k.index, performance.now());
        await sleep(100);
      }
    }
  });
  return {
    deliveries,
    get redeliveries() { return stats.redeliveries; },
    get acks() { return stats.acks; },
    get polls() { return stats.polls; },
    get pollErrors() { return stats.pollErrors; },
    failedSince: (mark) => new Map([...failures].filter(([, t]) => t >= mark)),
    onJob(transactionId, cb) {
      const seen = [...deliveries.values()].find((d) => d.transactionId === transactionId);
      if (seen) cb(seen.at);
      else waiters.set(transactionId, cb);
    },
    async stop() {
      stop.abort();
      await Promise.allSettled(loops);
    },
  };
}

/** One cash-out: create, World ID (a new person each), then wait for its job on the kiosk's long-poll. */
export async function cashOut(base: string, pollers: Pollers, kiosk: Kiosk, identity: string, timeoutMs = 60_000): Promise<{ id: string; ms: number }> {
  const id = newId();
  const t0 = performance.now();
  const delivered = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job of ${id} not received within ${timeoutMs} ms`)), timeoutMs);
    pollers.onJob(id, (at) => {
      clearTimeout(timer);
      resolve(at);
    });
  });
  delivered.catch(() => undefined);
  const createdRes = await retrying(() => call(`${base}/v1/transactions`, { method: 'POST', token: kiosk.token, body: { id, amount_cents: 500 } }));
  if (createdRes.status !== 201 && createdRes.status !== 200) throw new Error(`create answered ${createdRes.status}: ${await createdRes.text()}`);
  const created = (await createdRes.json()) as { world_id: { action: string }; rp_context: { nonce: string } };
  const result = fakeWorldIdResult({ signal: id, action: created.world_id.action, nonce: created.rp_context.nonce, identity });
  const res = await retrying(() => call(`${base}/v1/transactions/${id}/world-id`, { method: 'POST', token: kiosk.token, body: { result } }));
  if (res.status !== 200) throw new Error(`world-id answered ${res.status}: ${await res.text()}`);
  await res.body?.cancel();
  return { id, ms: (await delivered) - t0 };
}
