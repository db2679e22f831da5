import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../contract/clock';
import type { FaultPlan } from '../support/proxy/proxy';
import { getTransaction } from '../../main/db/transactions';
import { startJobReceiver, type JobReceiver } from '../../main/sync/job-receiver';
import { BACKENDS } from '../../cloud-api/src/testing/test-db';
import { cloudJobOf, paidTransaction, silent, startRealCloud, waitUntil, type RealCloud, type TestKiosk } from '../support/real-cloud';

/**
 * Issue 4 "Jobs (cloud → kiosk)": the REAL cloud's long-poll (LISTEN/NOTIFY, leases, ack) through the
 * test proxy to the REAL job receiver. A job delivered through faults is journaled once, acked, and a
 * second delivery is the same job. JOB_LEASE_SEC=1 so an unacked job comes back within a second.
 */
interface Run {
  k: TestKiosk;
  receiver: JobReceiver;
  handed: string[];
  online: boolean[];
}

function receive(k: TestKiosk): Run {
  const run: Run = { k, handed: [], online: [], receiver: null as unknown as JobReceiver };
  run.receiver = startJobReceiver({
    db: k.db,
    clock: systemClock,
    log: silent,
    client: k.client,
    enrollment: () => ({ kiosk_id: k.id, job_public_key: k.jobPublicKey }),
    sink: { awaitsJob: () => true, onJob: (job) => run.handed.push(job.id) }, // delivery faults: every transaction live
    onOnline: (o) => run.online.push(o),
    random: () => 0.05,
    waitSec: 2,
  });
  return run;
}

const journaled = (k: TestKiosk) => ({
  jobs: k.db.prepare('SELECT count(*) FROM dispense_jobs').pluck().get(),
  received: k.db.prepare("SELECT count(*) FROM outbox WHERE type = 'job.received'").pluck().get(),
});

describe.each(BACKENDS)('jobs through a faulty network from the real cloud (%s)', (backend) => {
  let rc: RealCloud;
  beforeAll(async () => {
    rc = await startRealCloud(backend, { env: { JOB_LEASE_SEC: '1' } });
  });
  afterAll(async () => {
    await rc.close();
  });

  /** `jobFirst`: the job exists before the first poll, so the first delivery meets the faults. */
  async function deliverThrough(plan: FaultPlan, o: { jobFirst?: boolean } = {}) {
    const k = await rc.kiosk('jobs', { timeoutMs: 1500 });
    const early = o.jobFirst ? await paidTransaction(rc, k) : null;
    rc.proxy.setFaults(plan);
    const run = receive(k);
    const tx = early ?? (await paidTransaction(rc, k));
    await waitUntil(async () => (await cloudJobOf(rc, tx))[0]?.status === 'acked', 'the cloud to record the ack', 15_000);
    await run.receiver.stop();
    rc.proxy.clearFaults();
    const [job] = await cloudJobOf(rc, tx);
    expect(journaled(k)).toEqual({ jobs: 1, received: 1 });
    expect(getTransaction(k.db, tx)?.status).toBe('paid');
    expect(new Set(run.handed)).toEqual(new Set([job!.id]));
    return { run, job: job! };
  }

  it('delivers a job pushed while the kiosk is long-polling, journaled once and acked', async () => {
    const { run, job } = await deliverThrough({ rules: [] });
    expect(job.delivered_count).toBe(1);
    expect(run.handed).toHaveLength(1);
    expect(run.online).toContain(true);
  });

  it('redelivers a job whose delivery response was lost after the lease, and it is still one job', async () => {
    const { job, run } = await deliverThrough({ rules: [{ match: 'GET /v1/jobs/next', fault: { kind: 'lose_response' }, times: 1 }] }, { jobFirst: true });
    expect(job.delivered_count).toBe(2);
    expect(run.handed).toHaveLength(1);
  });

  it('treats a redelivery after a lost ack as the same job: one row, one outbox event, handed again', async () => {
    const { run, job } = await deliverThrough({ rules: [{ match: 'POST /v1/jobs', fault: { kind: 'drop_connection' }, times: 1 }] }, { jobFirst: true });
    expect(job.delivered_count).toBe(2);
    expect(run.handed).toEqual([job.id, job.id]);
  });

  it('reconnects after resets, 5xx and duplicated polls, and ends with the job journaled once', async () => {
    await deliverThrough({
      seed: 9,
      rules: [
        { match: 'GET /v1/jobs/next', fault: { kind: 'reset_mid_request_body' }, times: 1 },
        { match: 'GET /v1/jobs/next', fault: { kind: 'respond_5xx', status: 502 }, times: 1 },
        { match: '*', fault: { kind: 'duplicate_request', order: 'concurrent' }, probability: 0.5 },
      ],
    });
  });

  it('goes offline from its own failed polls while the cloud is down and online again by itself', async () => {
    const k = await rc.kiosk('offline', { timeoutMs: 500 });
    rc.proxy.setFaults({ rules: [{ fault: { kind: 'refuse' } }] });
    const run = receive(k);
    await waitUntil(() => run.online.includes(false), 'the kiosk to see it is offline');
    const tx = await paidTransaction(rc, k);
    rc.proxy.clearFaults();
    await waitUntil(() => run.handed.length > 0, 'the job after the outage', 15_000);
    await run.receiver.stop();
    expect(run.online.at(-1)).toBe(true);
    expect(journaled(k)).toEqual({ jobs: 1, received: 1 });
    expect((await cloudJobOf(rc, tx))[0]?.status).toBe('acked');
  });
});
