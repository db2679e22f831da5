import { afterEach, describe, expect, it } from 'vitest';
import { admitJob, getNotPresentedJob } from '../db/job-admission';
import { getJob, getJobForTransaction } from '../db/jobs';
import { getTransaction } from '../db/transactions';
import { startHarness, type Harness } from './testing/kiosk-harness';

/** Issue 15, the presence rule: coins only into the live session that asked for them. */
let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

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
    h = await startHarness({ env: { PAYMENT_TIMEOUT_SEC: '1' } });
    h.cloud.autoJob = false;
    await ready(h);
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
    const job = h.cloud.jobFor(first, 20);
    h.cloud.queueJob(job);
    await h.waitFor(() => getNotPresentedJob(h!.db, job.id) !== undefined && h!.cloud.acked.includes(job.id), 'the late job to be acked, not paid');

    expect(h.dispenser.payouts).toEqual([]);
    expect(getJob(h.db, job.id)).toBeUndefined();
    expect(getNotPresentedJob(h.db, job.id)).toMatchObject({ transaction_id: first, coins: 20, reason: expect.stringMatching(/expired/) });
    expect(getTransaction(h.db, first)?.status).toBe('expired');
    expect(outboxTypes(h, first).filter((t) => t === 'job.not_presented')).toHaveLength(1);
    // The next customer's session is untouched.
    expect(h.latest().flow).toMatchObject({ screen: 'scan', transaction_id: nextId });
    expect(getTransaction(h.db, nextId)?.status).toBe('created');
    await h.waitFor(() => [...h!.cloud.stored.values()].some((e) => e.type === 'job.not_presented'), 'the cloud to hear job.not_presented');
  });

  it('a job after the customer cancelled the pay screen is acked and reported, never paid; a redelivery changes nothing', async () => {
    h = await startHarness();
    h.cloud.autoJob = false;
    await ready(h);
    const txId = await toPayScreen(h);
    expect((await h.api.cancel({})).ok).toBe(true);
    expect(getTransaction(h.db, txId)?.status).toBe('cancelled');
    const job = h.cloud.jobFor(txId, 20);
    h.cloud.queueJob(job);
    await h.waitFor(() => h!.cloud.acked.filter((id) => id === job.id).length === 1, 'the first ack');
    h.cloud.queueJob(job);
    await h.waitFor(() => h!.cloud.acked.filter((id) => id === job.id).length === 2, 'the redelivery acked again');
    expect(h.dispenser.payouts).toEqual([]);
    expect(h.latest().flow.screen).toBe('idle');
    expect(outboxTypes(h, txId).filter((t) => t === 'job.not_presented')).toHaveLength(1);
    expect(h.db.prepare('SELECT count(*) FROM jobs_not_presented').pluck().get()).toBe(1);
  });

  it('once the job is admitted, the customer can no longer cancel: the job wins and is paid', async () => {
    h = await startHarness();
    h.cloud.autoJob = false;
    await ready(h);
    const txId = await toPayScreen(h);
    // The job's admission, as the receiver does it, while the screen still shows the pay screen.
    const admitted = admitJob(h.db, h.clock, h.cloud.jobFor(txId, 20), (id) => id === txId);
    expect(admitted.kind).toBe('new');
    const cancel = await h.api.cancel({});
    expect(cancel).toMatchObject({ ok: false, error: { code: 'not_cancellable' } });
    expect(getTransaction(h.db, txId)?.status).toBe('paid');
    expect(outboxTypes(h, txId)).not.toContain('transaction.status:cancelled');
  });

  it('a job for a screen that is not waiting for it (the QR, not yet verified) is not presented', async () => {
    h = await startHarness();
    h.cloud.autoJob = false;
    await ready(h);
    const started = await h.api.startCashOut({ amount_cents: 500 });
    const txId = started.ok ? started.value.transaction_id : '';
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    const job = h.cloud.jobFor(txId, 20);
    h.cloud.queueJob(job);
    await h.waitFor(() => getNotPresentedJob(h!.db, job.id) !== undefined, 'the job not presented');
    expect(h.dispenser.payouts).toEqual([]);
    expect(h.latest().flow).toMatchObject({ screen: 'scan', transaction_id: txId });
  });

  it('a restart ends the session: a job for a transaction from before the restart is never paid', async () => {
    h = await startHarness();
    h.cloud.autoJob = false;
    await ready(h);
    const txId = await toPayScreen(h);
    const { cloud, path } = h;
    await h.stop(false);
    h = await startHarness({ cloud, path });
    await ready(h);
    expect(getTransaction(h.db, txId)).toMatchObject({ status: 'cancelled', reason: 'kiosk restarted before payment' });
    const job = cloud.jobFor(txId, 20);
    cloud.queueJob(job); // may be handed to the stopped kiosk's long-poll, still held open by the fake cloud
    cloud.queueJob(job);
    await h.waitFor(() => getNotPresentedJob(h!.db, job.id) !== undefined && cloud.acked.includes(job.id), 'the job not presented');
    expect(getJobForTransaction(h.db, txId)).toBeUndefined();
    expect(h.dispenser.payouts).toEqual([]);
    expect(h.latest().flow.screen).toBe('idle');
  });
});
