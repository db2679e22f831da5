import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobResponseSchema } from '../../../contract/http';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { verifyJobSignature } from '../../../contract/job';
import { createPaidTransaction, createTransaction, jobsOf, postWorldId, resultFor } from '../testing/flows';
import { createHarness, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

describe.each(BACKENDS)('jobs: long-poll and ack (%s)', (backend) => {
  let h: Harness;
  let portal: FakePortal;
  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url });
  });
  afterAll(async () => {
    await h.dispose();
    await portal.close();
  });

  const poll = (token: string, wait: number) => h.req('GET', `/v1/jobs/next?wait=${wait}`, { token });

  it('delivers the signed job of a paid transaction, checkable with the enrolment public key', async () => {
    const k = await h.enrollKiosk('deliver');
    const tx = await createPaidTransaction(h, k.token, { amountCents: 300 });
    const res = await poll(k.token, 0);
    expect(res.status).toBe(200);
    const { job } = JobResponseSchema.parse(await res.json());
    expect(job).toMatchObject({ transaction_id: tx.transaction.id, kiosk_id: k.kioskId, coins: 12 });
    expect(await verifyJobSignature(job, k.publicKey)).toBe(true);
    expect(await verifyJobSignature({ ...job, coins: 13 }, k.publicKey)).toBe(false);
    expect(await jobsOf(h, tx.transaction.id)).toEqual([expect.objectContaining({ status: 'delivered', delivered_count: 1 })]);
  });

  it('answers 204 after the wait when there is no job', async () => {
    const k = await h.enrollKiosk('idle');
    const started = Date.now();
    const res = await poll(k.token, 1);
    expect(res.status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('answers within about 100 ms of the job being created', async () => {
    const k = await h.enrollKiosk('wake');
    const tx = await createTransaction(h, k.token);
    const waiting = poll(k.token, 20).then((res) => ({ res, at: Date.now() }));
    // Give the poll time to find nothing and start waiting (it subscribes before its first look,
    // so a job created earlier would also be found: this pause only makes the test stricter).
    await new Promise((r) => setTimeout(r, 300));
    expect((await postWorldId(h, k.token, tx.transaction.id, resultFor(tx))).status).toBe(200);
    const verifiedAt = Date.now();
    const { res, at } = await waiting;
    expect(res.status).toBe(200);
    expect(at - verifiedAt).toBeLessThan(100);
    const { job } = JobResponseSchema.parse(await res.json());
    expect(job.transaction_id).toBe(tx.transaction.id);
  });

  it('does not deliver a job again while its lease runs, and delivers it again after the lease ends', async () => {
    const k = await h.enrollKiosk('lease');
    const tx = await createPaidTransaction(h, k.token);
    expect((await poll(k.token, 0)).status).toBe(200);
    expect((await poll(k.token, 0)).status).toBe(204);
    h.clock.advance(31_000);
    const again = await poll(k.token, 0);
    expect(again.status).toBe(200);
    expect(await jobsOf(h, tx.transaction.id)).toEqual([expect.objectContaining({ delivered_count: 2 })]);
  });

  it('acks idempotently, never delivers an acked job again, and hides other kiosks\' jobs', async () => {
    const k = await h.enrollKiosk('ack');
    await createPaidTransaction(h, k.token);
    const { job } = JobResponseSchema.parse(await (await poll(k.token, 0)).json());
    const other = await h.enrollKiosk('nosy');
    expect((await h.req('POST', `/v1/jobs/${job.id}/ack`, { token: other.token })).status).toBe(404);
    for (let i = 0; i < 2; i++) {
      const res = await h.req('POST', `/v1/jobs/${job.id}/ack`, { token: k.token });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ job_id: job.id, status: 'acked' });
    }
    h.clock.advance(60_000);
    expect((await poll(k.token, 0)).status).toBe(204);
    expect((await h.req('POST', '/v1/jobs/not-a-uuid/ack', { token: k.token })).status).toBe(404);
  });

  it("never hands one kiosk another kiosk's job, and refuses a wait outside 0..60", async () => {
    const a = await h.enrollKiosk('a');
    const b = await h.enrollKiosk('b');
    await createPaidTransaction(h, a.token);
    expect((await poll(b.token, 0)).status).toBe(204);
    expect((await poll(b.token, 61)).status).toBe(400);
    expect((await h.req('GET', '/v1/jobs/next?wait=abc', { token: b.token })).status).toBe(400);
  });
});
