import { newId } from '../../../contract/clock';
import { JobResponseSchema } from '../../../contract/http';
import type { SyncEvent } from '../../../contract/sync-events';
import { startFakePortal } from '../../../sim/worldid/portal';
import { countingDb, type CountingDb, type DbCounts } from '../db/counting-db';
import type { Backend } from './test-db';
import { createTransaction, postWorldId, resultFor } from './flows';
import { createHarness } from './harness';

/**
 * What one cash-out costs the database (issue 18), step by step, through the real app on a real database:
 * create → World ID (PAYMENT_MODE=none: the signed job and its NOTIFY) → the job delivered on
 * GET /v1/jobs/next → ack → the payout result synced; plus an empty long-poll look (no job), which every
 * kiosk repeats every 25 s and after each wake-up. Every step includes the kiosk authentication. Rate
 * limits are off here (as in the bench): their store is counted apart (docs/SCALING.md).
 * Used by cashout-cost.test.ts (pins the counts) and test/bench/cloud.bench.ts (`cloud_statements_per_cashout`).
 */
export const CASHOUT_STEPS = ['create', 'world_id', 'job_delivered', 'ack', 'sync_payout_result'] as const;
export type CashOutStep = (typeof CASHOUT_STEPS)[number];

export interface CashOutCost {
  steps: Record<CashOutStep | 'empty_long_poll', DbCounts>;
  /** The five cash-out steps added up (the empty long-poll is not part of a cash-out). */
  total: DbCounts;
  /** The SQL of each step (first lines), for a failing test's message. */
  sql: Record<string, string[]>;
}

const NO_LIMITS = { RATE_LIMIT_IP_PER_MIN: '0', RATE_LIMIT_KIOSK_PER_MIN: '0', RATE_LIMIT_TRANSACTION_PER_MIN: '0' };

export async function measureCashOutCost(backend: Backend, env: Record<string, string> = {}): Promise<CashOutCost> {
  const portal = await startFakePortal();
  let counting: CountingDb | undefined;
  const h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url, ...NO_LIMITS, ...env }, {
    wrapDb: (db) => (counting = countingDb(db)),
  });
  const db = counting!;
  const steps = {} as CashOutCost['steps'];
  const sql: CashOutCost['sql'] = {};
  const step = async <T>(name: keyof CashOutCost['steps'], fn: () => Promise<T>): Promise<T> => {
    db.reset();
    const out = await fn();
    steps[name] = db.counts();
    sql[name] = db.log();
    return out;
  };
  try {
    const k = await h.enrollKiosk('cost');
    await step('empty_long_poll', async () => expectStatus(await h.req('GET', '/v1/jobs/next?wait=0', { token: k.token }), 204));
    const tx = await step('create', () => createTransaction(h, k.token, 500));
    await step('world_id', async () => expectStatus(await postWorldId(h, k.token, tx.transaction.id, resultFor(tx, newId())), 200));
    const job = await step('job_delivered', async () => {
      const res = await h.req('GET', '/v1/jobs/next?wait=0', { token: k.token });
      await expectStatus(res.clone(), 200);
      return JobResponseSchema.parse(await res.json()).job;
    });
    await step('ack', async () => expectStatus(await h.req('POST', `/v1/jobs/${job.id}/ack`, { token: k.token }), 200));
    const result: SyncEvent = {
      seq: 1, id: newId(), occurred_at: h.clock.now().toISOString(), type: 'payout.result',
      payload: { job_id: job.id, transaction_id: job.transaction_id, coins_ordered: job.coins, coins_paid: job.coins, coins_unpaid: 0, outcome: 'completed' },
    };
    await step('sync_payout_result', async () => expectStatus(await h.req('POST', '/v1/sync', { token: k.token, body: { events: [result] } }), 200));
    const { rows } = await h.tdb.db.query<{ status: string }>('SELECT status FROM transactions WHERE id = $1', [tx.transaction.id]);
    if (rows[0]?.status !== 'completed') throw new Error(`the measured cash-out ended ${rows[0]?.status}, not completed`);
    const total: DbCounts = { statements: 0, roundTrips: 0, transactions: 0 };
    for (const s of CASHOUT_STEPS) {
      total.statements += steps[s].statements;
      total.roundTrips += steps[s].roundTrips;
      total.transactions += steps[s].transactions;
    }
    return { steps, total, sql };
  } finally {
    await h.dispose();
    await portal.close();
  }
}

async function expectStatus(res: Response, status: number): Promise<void> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${await res.text()}`);
}
