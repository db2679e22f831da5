import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../contract/clock';
import { JobResponseSchema } from '../../../contract/http';
import type { SyncEvent } from '../../../contract/sync-events';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { createPaidTransaction, createTransaction, jobsOf } from '../testing/flows';
import { createHarness, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';
import { expireUnpaidTransactions, pruneKioskHeartbeats, returnExpiredLeases } from './cloud-tasks';

describe.each(BACKENDS)('cloud scheduled work (%s)', (backend) => {
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
  const status = async (id: string) =>
    (await h.tdb.db.query<{ status: string }>('SELECT status FROM transactions WHERE id = $1', [id])).rows[0]?.status;

  it('expires unpaid transactions past their expiry with an audit event, and never a paid one', async () => {
    const k = await h.enrollKiosk('expiry');
    const open = await createTransaction(h, k.token);
    const paid = await createPaidTransaction(h, k.token);
    const later = new Date(h.clock.now().getTime() + h.config.TRANSACTION_TTL_SEC * 1000);
    expect(await expireUnpaidTransactions(h.tdb.db, new Date(later.getTime() - 1000))).toEqual([]);
    expect(await expireUnpaidTransactions(h.tdb.db, later)).toEqual([open.transaction.id]);
    expect([await status(open.transaction.id), await status(paid.transaction.id)]).toEqual(['expired', 'paid']);
    const { rows } = await h.tdb.db.query<{ type: string }>('SELECT type FROM transaction_events WHERE transaction_id = $1', [open.transaction.id]);
    expect(rows.map((r) => r.type)).toContain('transaction.expired');
  });

  it('returns a job whose lease ran out unacked to pending, and the next poll delivers it again', async () => {
    const k = await h.enrollKiosk('lease');
    const tx = await createPaidTransaction(h, k.token);
    const first = JobResponseSchema.parse(await (await h.req('GET', '/v1/jobs/next?wait=0', { token: k.token })).json());
    expect(await returnExpiredLeases(h.tdb.db, h.clock.now())).toEqual([]);
    const afterLease = new Date(h.clock.now().getTime() + h.config.JOB_LEASE_SEC * 1000);
    expect(await returnExpiredLeases(h.tdb.db, afterLease)).toEqual([first.job.id]);
    expect(await jobsOf(h, tx.transaction.id)).toEqual([expect.objectContaining({ status: 'pending', delivered_count: 1 })]);
    const again = JobResponseSchema.parse(await (await h.req('GET', '/v1/jobs/next?wait=0', { token: k.token })).json());
    expect(again.job).toEqual(first.job);
  });

  it('prunes old heartbeats below the high-water mark, and a replay of a pruned seq is still a duplicate', async () => {
    const k = await h.enrollKiosk('retention');
    const beat = (seq: number): SyncEvent => ({
      seq,
      id: newId(),
      occurred_at: h.clock.now().toISOString(),
      type: 'kiosk.heartbeat',
      payload: { coins_available: 1, hopper_ok: true, outbox_depth: 0, version: 't' },
    });
    const admin: SyncEvent = { seq: 3, id: newId(), occurred_at: h.clock.now().toISOString(), type: 'admin.action', payload: { action: 'refill' } };
    const first = [beat(1), beat(2), admin];
    expect((await h.req('POST', '/v1/sync', { token: k.token, body: { events: first } })).status).toBe(200);
    const in15days = new Date(h.clock.now().getTime() + 15 * 86_400_000);
    expect(await pruneKioskHeartbeats(h.tdb.db, in15days, 14)).toBeGreaterThanOrEqual(2);
    const seqs = await h.tdb.db.query<{ seq: number }>('SELECT seq FROM kiosk_events WHERE kiosk_id = $1 ORDER BY seq', [k.kioskId]);
    expect(seqs.rows.map((r) => Number(r.seq))).toEqual([3]);
    const replay = await h.req('POST', '/v1/sync', { token: k.token, body: { events: [...first, beat(4)] } });
    expect(await replay.json()).toMatchObject({ high_seq: 4 });
    const after = await h.tdb.db.query<{ seq: number }>('SELECT seq FROM kiosk_events WHERE kiosk_id = $1 ORDER BY seq', [k.kioskId]);
    expect(after.rows.map((r) => Number(r.seq))).toEqual([3, 4]);
  });
});
