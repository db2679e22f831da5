import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../contract/clock';
import type { SignedJob } from '../../contract/job';
import { admitJob, getNotPresentedJob } from '../db/job-admission';
import { getJob, getJobForTransaction } from '../db/jobs';
import { getTransaction } from '../db/transactions';
import { waitUntil } from '../../test/support/real-cloud';
import { startHarness, type Harness } from './testing/kiosk-harness';

/** Issue 15, the presence rule: coins only into the live session that asked for them. */
let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

/**
 * Jobs the real cloud would not make (their session ended on the kiosk), as a cloud that lost the
 * race would deliver them: the test proxy ends the kiosk's open long-poll so its next poll gets the
 * job at once, and answers the job's ack. Signed with the cloud's own key.
 */
function lateJobs(x: Harness) {
  const queue: SignedJob[] = [];
  const ours = new Set<string>();
  const acked: string[] = [];
  const json = (body: unknown) => ({ kind: 'respond', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) as const;
  x.cloud.proxy.hooks = {
    request: (ex) => {
      if (ex.method === 'GET' && ex.path.startsWith('/v1/jobs/next') && queue.length > 0) return json({ job: queue.shift() });
      const ack = /^\/v1\/jobs\/([^/]+)\/ack$/.exec(ex.path)?.[1];
      if (ex.method === 'POST' && ack && ours.has(ack)) return (acked.push(ack), json({ job_id: ack, status: 'acked' }));
    },
  };
  return {
    acked,
    async jobFor(transactionId: string, coins: number): Promise<SignedJob> {
      const { rows } = await x.cloud.cloud.db.query<{ id: string }>('SELECT id FROM kiosks');
      const job = x.cloud.jobSigner.sign({ id: newId(), transaction_id: transactionId, kiosk_id: rows[0]!.id, coins, expires_at: new Date(Date.now() + 3600_000).toISOString() });
      ours.add(job.id);
      return job;
    },
    deliver(job: SignedJob) {
      queue.push(job);
      x.cloud.proxy.disconnect((ex) => ex.path.startsWith('/v1/jobs/next'));
    },
  };
}
const cloudHeard = async (x: Harness, type: string) => (await x.cloud.cloud.db.query('SELECT 1 FROM kiosk_events WHERE type = $1', [type])).rows.length > 0;

const ready = (x: Harness) => x.waitFor((s) => s.online && s.out_of_service === null, 'the kiosk to be in service');
const outboxTypes = (x: Harness, txId: string) =>
  (x.db.prepare('SELECT type, payload FROM outbox ORDER BY seq').all() as { type: string; payload: string }[])
    .filter((r) => (JSON.parse(r.payload) as { transaction_id?: string }).transaction_id === txId)
    .map((r) => `${r.type}${r.type === 'transaction.status' ? `:${(JSON.parse(r.payload) as { status: string }).status}` : ''}`);

async function toPayScreen(x: Harness, amount = 500): Promise<string> {
  const started = await x.api.startCashOut({ amount_cents: amount });
  if (!started.ok) throw new Error(started.error.message);
  await x.waitFor((s) => s.flow.screen === 'scan', 'the QR');
  x.worldId.approve();
  await x.waitFor((s) => s.flow.screen === 'waiting_payment', 'the pay screen');
  return started.value.transaction_id;
}

describe('presence rule', () => {
  it('a payment confirmed after the pay-screen timeout pays nothing, even while the next customer is on the QR', async () => {
    h = await startHarness({ paymentMode: 'world_app', env: { PAYMENT_TIMEOUT_SEC: '1' } });
    await ready(h);
    const late = lateJobs(h);
    const first = await toPayScreen(h);
    const timedOut = await h.waitFor((s) => s.flow.screen === 'error', 'the timeout screen');
    expect(timedOut.flow.screen === 'error' && timedOut.flow.error.code).toBe('payment_timeout');
    // The session ended: final in the journal and reported to the cloud (which then creates no job).
    expect(getTransaction(h.db, first)).toMatchObject({ status: 'expired', reason: expect.stringMatching(/payment timeout/) });
    expect(outboxTypes(h, first)).toContain('transaction.status:expired');

    expect((await h.api.dismiss({})).ok).toBe(true);
    const next = await h.api.startCashOut({ amount_cents: 1000 });
    const nextId = next.ok ? next.value.transaction_id : '';
    await h.waitFor((s) => s.flow.screen === 'scan', 'the next customer on the QR');
    const job = await late.jobFor(first, 20);
    late.deliver(job);
    await h.waitFor(() => getNotPresentedJob(h!.db, job.id) !== undefined && late.acked.includes(job.id), 'the late job to be acked, not paid');

    expect(h.dispenser.payouts).toEqual([]);
    expect(getJob(h.db, job.id)).toBeUndefined();
    expect(getNotPresentedJob(h.db, job.id)).toMatchObject({ transaction_id: first, coins: 20, reason: expect.stringMatching(/expired/) });
    expect(getTransaction(h.db, first)?.status).toBe('expired');
    expect(outboxTypes(h, first).filter((t) => t === 'job.not_presented')).toHaveLength(1);
    // The next customer's session is untouched.
    expect(h.latest().flow).toMatchObject({ screen: 'scan', transaction_id: nextId });
    expect(getTransaction(h.db, nextId)?.status).toBe('created');
    const x = h;
    await waitUntil(() => cloudHeard(x, 'job.not_presented'), 'the cloud to hear job.not_presented');
  });

  it('a job after the customer cancelled the pay screen is acked and reported, never paid; a redelivery changes nothing', async () => {
    h = await startHarness({ paymentMode: 'world_app' });
    await ready(h);
    const late = lateJobs(h);
    const txId = await toPayScreen(h);
    expect((await h.api.cancel({})).ok).toBe(true);
    expect(getTransaction(h.db, txId)?.status).toBe('cancelled');
    const job = await late.jobFor(txId, 20);
    late.deliver(job);
    await h.waitFor(() => late.acked.filter((id) => id === job.id).length === 1, 'the first ack');
    late.deliver(job);
    await h.waitFor(() => late.acked.filter((id) => id === job.id).length === 2, 'the redelivery acked again');
    expect(h.dispenser.payouts).toEqual([]);
    expect(h.latest().flow.screen).toBe('idle');
    expect(outboxTypes(h, txId).filter((t) => t === 'job.not_presented')).toHaveLength(1);
    expect(h.db.prepare('SELECT count(*) FROM jobs_not_presented').pluck().get()).toBe(1);
  });

  it('once the job is admitted, the customer can no longer cancel: the job wins and is paid', async () => {
    h = await startHarness({ paymentMode: 'world_app' });
    await ready(h);
    const txId = await toPayScreen(h);
    // The job's admission, as the receiver does it, while the screen still shows the pay screen.
    const admitted = admitJob(h.db, h.clock, await lateJobs(h).jobFor(txId, 20), (id) => id === txId);
    expect(admitted.kind).toBe('new');
    const cancel = await h.api.cancel({});
    expect(cancel).toMatchObject({ ok: false, error: { code: 'not_cancellable' } });
    expect(getTransaction(h.db, txId)?.status).toBe('paid');
    expect(outboxTypes(h, txId)).not.toContain('transaction.status:cancelled');
  });

  it('a job for a screen that is not waiting for it (the QR, not yet verified) is not presented', async () => {
    h = await startHarness({ paymentMode: 'world_app' });
    await ready(h);
    const late = lateJobs(h);
    const started = await h.api.startCashOut({ amount_cents: 500 });
    const txId = started.ok ? started.value.transaction_id : '';
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    const job = await late.jobFor(txId, 20);
    late.deliver(job);
    await h.waitFor(() => getNotPresentedJob(h!.db, job.id) !== undefined, 'the job not presented');
    expect(h.dispenser.payouts).toEqual([]);
    expect(h.latest().flow).toMatchObject({ screen: 'scan', transaction_id: txId });
  });

  it('a restart ends the session: a job for a transaction from before the restart is never paid', async () => {
    h = await startHarness({ paymentMode: 'world_app' });
    await ready(h);
    const txId = await toPayScreen(h);
    const { cloud, path } = h;
    await h.stop(false);
    h = await startHarness({ cloud, path });
    await ready(h);
    expect(getTransaction(h.db, txId)).toMatchObject({ status: 'cancelled', reason: 'kiosk restarted before payment' });
    const late = lateJobs(h);
    const job = await late.jobFor(txId, 20);
    late.deliver(job);
    await h.waitFor(() => getNotPresentedJob(h!.db, job.id) !== undefined && late.acked.includes(job.id), 'the job not presented');
    expect(getJobForTransaction(h.db, txId)).toBeUndefined();
    expect(h.dispenser.payouts).toEqual([]);
    expect(h.latest().flow.screen).toBe('idle');
  });
});
