import { afterEach, describe, expect, it } from 'vitest';
import { getJob } from '../db/jobs';
import { getTransaction } from '../db/transactions';
import { startRealCloud } from '../../test/support/real-cloud';
import { startHarness, type Harness } from './testing/kiosk-harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

/** Runs a cash-out up to the moment the job is stored, with the payout held or crashing. */
async function toJobReceived(x: Harness): Promise<string> {
  await x.waitFor((s) => s.online && s.out_of_service === null, 'in service');
  const started = await x.api.startCashOut({ amount_cents: 500 });
  await x.waitFor((s) => s.flow.screen === 'scan', 'the QR');
  x.worldId.approve();
  return started.ok ? started.value.transaction_id : '';
}

describe('startup recovery', () => {
  it('finishes a job that was received but never paid after a restart on the same SQLite file', async () => {
    const cloud = await startRealCloud('pglite');
    const first = await startHarness({ cloud });
    first.dispenser.crash = true; // the payout dies after the intent is journaled
    const txId = await toJobReceived(first);
    await first.waitFor((s) => s.flow.screen === 'error', 'the in-doubt screen');
    expect(getTransaction(first.db, txId)?.status).toBe('dispensing');
    await first.stop(false);

    // the counters prove no coin left before the crash
    h = await startHarness({ cloud, path: first.path, dispenser: (d) => (d.settleAs = 0) });
    await h.waitFor(() => getTransaction(h!.db, txId)?.status === 'completed', 'the job to be finished');
    expect(h.dispenser.settleCalls).toBeGreaterThan(0);
    expect(h.dispenser.payouts.map((p) => p.coins)).toEqual([20]);
    expect(getTransaction(h.db, txId)).toMatchObject({ status: 'completed', coins_paid: 20 });
  });

  it('pays only the unpaid remainder when the counters prove part of the payout left before the crash', async () => {
    const cloud = await startRealCloud('pglite');
    const first = await startHarness({ cloud });
    first.dispenser.crash = true;
    const txId = await toJobReceived(first);
    await first.waitFor((s) => s.flow.screen === 'error', 'the in-doubt screen');
    const jobId = first.db.prepare('SELECT id FROM dispense_jobs WHERE transaction_id = ?').pluck().get(txId) as string;
    await first.stop(false);

    h = await startHarness({ cloud, path: first.path, dispenser: (d) => (d.settleAs = 12) });
    await h.waitFor(() => getJob(h!.db, jobId)?.status === 'completed', 'the job to be finished');
    expect(h.dispenser.payouts.map((p) => p.coins)).toEqual([8]);
    expect(getJob(h.db, jobId)?.coins_paid).toBe(20);
  });

  it('a settle that throws leaves the job in doubt; the runner settles it later and the job has exactly one payout.result (issue 13)', async () => {
    const cloud = await startRealCloud('pglite');
    const first = await startHarness({ cloud });
    first.dispenser.crash = true;
    const txId = await toJobReceived(first);
    await first.waitFor((s) => s.flow.screen === 'error', 'the in-doubt screen');
    await first.stop(false);

    // the counters cannot be read twice (start-up settle and the runner's first try), then prove 12 coins left
    h = await startHarness({ cloud, path: first.path, dispenser: (d) => Object.assign(d, { settleAs: 12, settleFailures: 2 }) });
    await h.waitFor(() => getTransaction(h!.db, txId)?.status === 'completed', 'the job to be finished');
    expect(h.dispenser.settleCalls).toBeGreaterThanOrEqual(3);
    expect(h.dispenser.payouts.map((p) => p.coins)).toEqual([8]);
    expect(h.db.prepare("SELECT COUNT(*) FROM outbox WHERE type = 'payout.result'").pluck().get()).toBe(1);
    const cloudTx = async () => (await cloud.cloud.db.query<{ status: string; coins_paid: number }>('SELECT status, coins_paid FROM transactions WHERE id = $1', [txId])).rows[0];
    for (let i = 0; i < 500 && (await cloudTx())?.status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await cloudTx()).toMatchObject({ status: 'completed', coins_paid: 20 });
  });

  it('cancels a transaction left waiting for World ID when the kiosk restarts', async () => {
    const cloud = await startRealCloud('pglite');
    const first = await startHarness({ cloud });
    await first.waitFor((s) => s.online && s.out_of_service === null, 'in service');
    const started = await first.api.startCashOut({ amount_cents: 100 });
    await first.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    await first.stop(false);
    h = await startHarness({ cloud, path: first.path });
    expect(getTransaction(h.db, started.ok ? started.value.transaction_id : '')?.status).toBe('cancelled');
    expect(h.latest().flow.screen).toBe('idle');
  });
});
