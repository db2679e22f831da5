import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/real-cloud';
import { getJobForTransaction } from '../db/jobs';
import { getTransaction } from '../db/transactions';
import { startHarness, type Harness } from './testing/kiosk-harness';

/**
 * Issue 15, "Collect coins you are owed", kiosk side against the real cloud (PGlite): a claim is born on
 * the kiosk (kind claim, amount 0), scanned with the same World ID action (signal = the claim's id), and
 * the cloud's answer either shows the coins to collect (its one signed job is paid by the same runner and
 * journal) or a plain "nothing owed" message with no job.
 */
let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

// A heartbeat every 2 s: the cloud caps a claim by the coins this kiosk last reported.
const ENV = { SYNC_HEARTBEAT_CRON: '*/2 * * * * *' };
const ready = (x: Harness) => x.waitFor((s) => s.online && s.out_of_service === null, 'the kiosk to be in service');
const cloudRow = async <T,>(x: Harness, sql: string, params: unknown[]) => (await x.cloud.cloud.db.query<T & Record<string, unknown>>(sql, params)).rows;
const drained = (x: Harness) => x.db.prepare('SELECT count(*) FROM outbox WHERE sent_at IS NULL').pluck().get() === 0;

async function collect(x: Harness, identity: string): Promise<string> {
  const started = await x.api.startCollect({});
  if (!started.ok) throw new Error(started.error.message);
  const scan = await x.waitFor((s) => s.flow.screen === 'scan', 'the QR');
  expect(scan.flow).toMatchObject({ screen: 'scan', kind: 'claim', transaction_id: started.value.transaction_id, coins: 0 });
  expect(x.worldId.requests.at(-1)?.signal).toBe(started.value.transaction_id);
  x.worldId.approve(identity);
  return started.value.transaction_id;
}

describe('collect coins you are owed (issue 15)', () => {
  it('a partial payout leaves a credit; the same person collects the rest: the claim job pays it and the credit ends collected', async () => {
    h = await startHarness({ env: ENV, dispenser: (d) => (d.payable = 8) });
    await ready(h);
    const started = await h.api.startCashOut({ amount_cents: 500 });
    const cashOut = started.ok ? started.value.transaction_id : '';
    await h.waitFor((s) => s.flow.screen === 'scan', 'the QR');
    h.worldId.approve('owed-person');
    const short = await h.waitFor((s) => s.flow.screen === 'error', 'the partial payout');
    expect(short.flow).toMatchObject({ error: { code: 'partial_payout' }, coins_owed: 12, coins_paid: 8 });
    const x = h;
    await waitUntil(async () => drained(x) && (await cloudRow(x, "SELECT 1 FROM credits WHERE transaction_id = $1 AND state = 'open'", [cashOut])).length === 1, 'the credit', 20_000);
    expect((await h.api.dismiss({})).ok).toBe(true);

    h.dispenser.payable = Number.POSITIVE_INFINITY;
    const claimId = await collect(h, 'owed-person');
    const collecting = await h.waitFor((s) => s.flow.screen === 'collecting' || s.flow.screen === 'dispensing' || s.flow.screen === 'done', 'the coins found');
    if (collecting.flow.screen === 'collecting') expect(collecting.flow).toMatchObject({ kind: 'claim', coins: 12, coins_left_owed: 0 });
    const done = await h.waitFor((s) => s.flow.screen === 'done', 'the collected coins');
    expect(done.flow).toMatchObject({ screen: 'done', kind: 'claim', transaction_id: claimId, coins_paid: 12, coins_owed: 0 });
    expect(h.dispenser.payouts.map((p) => p.coins)).toEqual([20, 12]);
    expect(getTransaction(h.db, claimId)).toMatchObject({ kind: 'claim', status: 'completed', coins: 12, amount_cents: 300, coins_paid: 12 });
    await waitUntil(async () => drained(x) && (await cloudRow(x, "SELECT 1 FROM credits WHERE transaction_id = $1 AND state = 'collected'", [cashOut])).length === 1, 'the credit collected', 20_000);
  });

  it('a person owed nothing sees a plain message: no job, no coin, the claim ends refused', async () => {
    h = await startHarness({ env: ENV });
    await ready(h);
    const claimId = await collect(h, 'owes-nothing');
    const nothing = await h.waitFor((s) => s.flow.screen === 'nothing_owed' || s.flow.screen === 'error', 'the answer');
    expect(nothing.flow).toEqual({ screen: 'nothing_owed', transaction_id: claimId });
    expect(getTransaction(h.db, claimId)).toMatchObject({ kind: 'claim', status: 'refused', coins: 0 });
    expect(getJobForTransaction(h.db, claimId)).toBeUndefined();
    expect(h.dispenser.payouts).toEqual([]);
    expect((await h.api.dismiss({})).ok).toBe(true);
    expect(h.latest().flow.screen).toBe('idle');
  });
});
