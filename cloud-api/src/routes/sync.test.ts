import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { JobResponseSchema } from '../../../contract/http';
import { jobKeyId } from '../../../contract/job';
import type { SyncEvent } from '../../../contract/sync-events';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { createPaidTransaction, createTransaction, jobsOf } from '../testing/flows';
import { createHarness, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

describe.each(BACKENDS)('POST /v1/sync (%s)', (backend) => {
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

  const at = () => h.clock.now().toISOString();
  const heartbeat = (seq: number): SyncEvent => ({
    seq,
    id: newId(),
    occurred_at: at(),
    type: 'kiosk.heartbeat',
    payload: { coins_available: 100, hopper_ok: true, outbox_depth: 0, version: 'test' },
  });
  const sync = (token: string, events: SyncEvent[]) => h.req('POST', '/v1/sync', { token, body: { events } });
  const highSeq = async (res: Response) => ((await res.json()) as { high_seq: number }).high_seq;
  const txRow = async (id: string) =>
    (await h.tdb.db.query<{ status: string; coins_paid: number | null }>('SELECT status, coins_paid FROM transactions WHERE id = $1', [id])).rows[0];

  async function deliveredJob(token: string, amountCents = 500) {
    const tx = await createPaidTransaction(h, token, { amountCents });
    const { job } = JobResponseSchema.parse(await (await h.req('GET', '/v1/jobs/next?wait=0', { token })).json());
    return { tx, job };
  }
  const result = (seq: number, job: { id: string; transaction_id: string; coins: number }, paid: number, outcome: 'completed' | 'partial' | 'failed'): SyncEvent => ({
    seq,
    id: newId(),
    occurred_at: at(),
    type: 'payout.result',
    payload: { job_id: job.id, transaction_id: job.transaction_id, coins_ordered: job.coins, coins_paid: paid, coins_unpaid: job.coins - paid, outcome },
  });

  const notPresented = (seq: number, job: { id: string; transaction_id: string; coins: number }, coins = job.coins): SyncEvent => ({
    seq,
    id: newId(),
    occurred_at: at(),
    type: 'job.not_presented',
    payload: { job_id: job.id, transaction_id: job.transaction_id, coins, reason: 'the transaction is expired: payment timeout' },
  });
  const refunds = async (txId: string) =>
    (await h.tdb.db.query<{ coins_unpaid: number; amount_cents: number; reason: string | null }>(
      'SELECT coins AS coins_unpaid, amount_cents, reason FROM credits WHERE transaction_id = $1', [txId])).rows;

  it('job.not_presented (issue 15): the job fails with every coin unpaid and the full amount is owed, once', async () => {
    const k = await h.enrollKiosk('not-presented');
    const { job } = await deliveredJob(k.token, 500);
    expect(await highSeq(await sync(k.token, [notPresented(1, job)]))).toBe(1);
    expect(await txRow(job.transaction_id)).toEqual({ status: 'failed', coins_paid: 0 });
    expect(await refunds(job.transaction_id)).toEqual([{ coins_unpaid: 20, amount_cents: 500, reason: 'not_presented' }]);
    // The same report again (a new seq): nothing more is owed.
    expect(await highSeq(await sync(k.token, [notPresented(2, job)]))).toBe(2);
    expect(await refunds(job.transaction_id)).toHaveLength(1);
  });

  it("job.not_presented for another kiosk's job or with other coins changes nothing and is flagged", async () => {
    const owner = await h.enrollKiosk('np-owner');
    const other = await h.enrollKiosk('np-other');
    const { job } = await deliveredJob(owner.token, 500);
    const before = await txRow(job.transaction_id);
    expect(await highSeq(await sync(other.token, [notPresented(1, job)]))).toBe(1);
    expect(await highSeq(await sync(owner.token, [notPresented(1, job, job.coins + 1)]))).toBe(1);
    expect(await txRow(job.transaction_id)).toEqual(before);
    expect(await refunds(job.transaction_id)).toEqual([]);
    const flags = (await h.tdb.db.query<{ flagged: string | null }>(
      "SELECT flagged FROM kiosk_events WHERE type = 'job.not_presented' AND kiosk_id IN ($1, $2) ORDER BY flagged", [owner.kioskId, other.kioskId])).rows;
    expect(flags.map((f) => f.flagged)).toEqual(['coins_mismatch', 'unknown_job']);
  });

  it("answers with the cloud's limits and fee and its job keys, so a changed configuration reaches the kiosk with the next sync", async () => {
    const k = await h.enrollKiosk('policy');
    const res = await sync(k.token, [heartbeat(1)]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      high_seq: 1,
      amount_policy: { min_cents: 100, max_cents: 5000, fee: { flat_cents: 0, bps: 0 }, payment_mode: 'none', day_time_zone: 'UTC' },
      job_public_keys: [{ kid: jobKeyId(k.publicKey), public_key: k.publicKey }],
    });
  });

  it('answers the highest contiguous seq, holding at a gap until it is filled', async () => {
    const k = await h.enrollKiosk('gap');
    expect(await highSeq(await sync(k.token, [heartbeat(1), heartbeat(2), heartbeat(4)]))).toBe(2);
    expect(await highSeq(await sync(k.token, [heartbeat(5)]))).toBe(2);
    expect(await highSeq(await sync(k.token, [heartbeat(3)]))).toBe(5);
  });

  it('stores a replayed batch once and answers the same high seq', async () => {
    const k = await h.enrollKiosk('replay');
    const batch = [heartbeat(1), heartbeat(2)];
    expect(await highSeq(await sync(k.token, batch))).toBe(2);
    const again = await sync(k.token, batch);
    expect(again.status).toBe(200);
    expect(await highSeq(again)).toBe(2);
    const { rows } = await h.tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kiosk_events WHERE kiosk_id = $1', [k.kioskId]);
    expect(rows[0]?.n).toBe(2);
  });

  it('rejects the whole batch with 409 when a seq comes back with another event id', async () => {
    const k = await h.enrollKiosk('conflict');
    await sync(k.token, [heartbeat(1)]);
    const res = await sync(k.token, [heartbeat(2), heartbeat(1)]);
    expect(res.status).toBe(409);
    const { rows } = await h.tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kiosk_events WHERE kiosk_id = $1', [k.kioskId]);
    expect(rows[0]?.n).toBe(1);
  });

  it('settles a completed payout: job and transaction completed with the coins paid, once', async () => {
    const k = await h.enrollKiosk('complete');
    const { tx, job } = await deliveredJob(k.token);
    const ev = result(1, job, job.coins, 'completed');
    expect((await sync(k.token, [ev])).status).toBe(200);
    expect(await txRow(tx.transaction.id)).toEqual({ status: 'completed', coins_paid: 20 });
    expect(await jobsOf(h, tx.transaction.id)).toEqual([expect.objectContaining({ status: 'completed' })]);
    await sync(k.token, [ev]);
    const { rows } = await h.tdb.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM transaction_events WHERE transaction_id = $1 AND type = 'payout.completed'",
      [tx.transaction.id],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('records a partial payout with its unpaid remainder', async () => {
    const k = await h.enrollKiosk('partial');
    const { tx, job } = await deliveredJob(k.token);
    await sync(k.token, [result(1, job, 7, 'partial')]);
    expect(await txRow(tx.transaction.id)).toEqual({ status: 'partial', coins_paid: 7 });
    const owed = await h.tdb.db.query<{ coins: number; amount_cents: number; state: string; reason: string }>(
      'SELECT coins, amount_cents, state, reason FROM credits WHERE job_id = $1',
      [job.id],
    );
    expect(owed.rows).toEqual([{ coins: job.coins - 7, amount_cents: (job.coins - 7) * 25, state: 'open', reason: 'partial_payout' }]);
    await sync(k.token, [result(1, job, 7, 'partial')]);
    const again = await h.tdb.db.query('SELECT 1 FROM credits WHERE job_id = $1', [job.id]);
    expect(again.rowCount).toBe(1);
  });

  it('keeps but flags a result claiming more coins than ordered, changing nothing', async () => {
    const k = await h.enrollKiosk('overpaid');
    const { tx, job } = await deliveredJob(k.token);
    const bad: SyncEvent = { ...result(1, job, job.coins, 'completed') };
    if (bad.type === 'payout.result') bad.payload = { ...bad.payload, coins_paid: job.coins + 1, coins_unpaid: 0 };
    const res = await sync(k.token, [bad]);
    expect(await highSeq(res)).toBe(1);
    expect(await txRow(tx.transaction.id)).toEqual({ status: 'paid', coins_paid: null });
    const { rows } = await h.tdb.db.query<{ flagged: string | null }>('SELECT flagged FROM kiosk_events WHERE kiosk_id = $1 AND seq = 1', [k.kioskId]);
    expect(rows[0]?.flagged).toBe('coins_mismatch');
  });

  it("flags a result for another kiosk's job", async () => {
    const a = await h.enrollKiosk('owner');
    const b = await h.enrollKiosk('intruder');
    const { tx, job } = await deliveredJob(a.token);
    await sync(b.token, [result(1, job, job.coins, 'completed')]);
    expect((await txRow(tx.transaction.id))?.status).toBe('paid');
  });

  it('applies a kiosk cancellation only while the transaction is not yet paid', async () => {
    const k = await h.enrollKiosk('cancel');
    const open = await createTransaction(h, k.token);
    const { tx: paid } = await deliveredJob(k.token);
    const cancel = (seq: number, id: string): SyncEvent => ({
      seq,
      id: newId(),
      occurred_at: at(),
      type: 'transaction.status',
      payload: { transaction_id: id, status: 'cancelled', reason: 'customer left' },
    });
    expect(await highSeq(await sync(k.token, [cancel(1, open.transaction.id), cancel(2, paid.transaction.id)]))).toBe(2);
    expect((await txRow(open.transaction.id))?.status).toBe('cancelled');
    expect((await txRow(paid.transaction.id))?.status).toBe('paid');
  });

  it('stores a kiosk tombstone, flags it for the operator, and moves high_seq past its seq', async () => {
    const k = await h.enrollKiosk('tombstone');
    const stone: SyncEvent = {
      seq: 2,
      id: newId(),
      occurred_at: at(),
      type: 'outbox.quarantined',
      payload: { original_type: 'payout.result', reason: 'malformed: refused by the cloud' },
    };
    expect(await highSeq(await sync(k.token, [heartbeat(1), stone, heartbeat(3)]))).toBe(3);
    const { rows } = await h.tdb.db.query<{ flagged: string | null }>('SELECT flagged FROM kiosk_events WHERE kiosk_id = $1 AND seq = 2', [k.kioskId]);
    expect(rows[0]?.flagged).toBe('quarantined_by_kiosk: payout.result: malformed: refused by the cloud');
  });

  it('catches its high-water mark up from events stored before the mark existed', async () => {
    const k = await h.enrollKiosk('catch-up');
    await sync(k.token, [heartbeat(1), heartbeat(2), heartbeat(3)]);
    await h.tdb.db.query('DELETE FROM kiosk_sync_state WHERE kiosk_id = $1', [k.kioskId]);
    expect(await highSeq(await sync(k.token, [heartbeat(5)]))).toBe(3);
    expect(await highSeq(await sync(k.token, [heartbeat(4)]))).toBe(5);
  });

  it('answers 400 for an unknown event type or field, and for an empty batch', async () => {
    const k = await h.enrollKiosk('bad');
    const ev = heartbeat(1);
    expect((await h.req('POST', '/v1/sync', { token: k.token, body: { events: [{ ...ev, type: 'nope' }] } })).status).toBe(400);
    expect((await h.req('POST', '/v1/sync', { token: k.token, body: { events: [{ ...ev, extra: 1 }] } })).status).toBe(400);
    expect((await h.req('POST', '/v1/sync', { token: k.token, body: { events: [] } })).status).toBe(400);
  });
});
