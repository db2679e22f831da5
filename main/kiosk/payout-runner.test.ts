import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, newId } from '../../contract/clock';
import { quote } from '../../contract/money';
import { HopperSimulator } from '../../sim/hopper/simulator';
import type { HopperSimOptions } from '../../sim/hopper/sim-types';
import { createMockHopperPort, simulatedMockBinding } from '../../sim/hopper/mock-binding';
import { getJob, receiveJob } from '../db/jobs';
import { openKioskDb, type KioskDb } from '../db/open-db';
import { insertTransaction } from '../db/transactions';
import { createCcTalkDispenser } from '../hardware/cctalk-dispenser';
import { PayoutJournal } from '../hardware/payout-journal';
import { until } from '../hardware/testing/dispenser-fixture';
import { createPayoutRunner, type PayoutEvent } from './payout-runner';

/** The payout runner over a real ccTalk dispenser (SerialPortMock + simulator) and a real SQLite file. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const log = pino({ level: 'silent' });

async function rig(simOpts: HopperSimOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'));
  const db = openKioskDb(join(dir, 'kiosk.db'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => db.close());
  const clock = new ManualClock(Date.now());
  const sim = new HopperSimulator({ echo: false, coinsPerSecond: 400, ...simOpts });
  cleanups.push(() => sim.stop());
  const kiosk = () => {
    const journal = new PayoutJournal(db, clock);
    const dispenser = createCcTalkDispenser({
      path: createMockHopperPort(true), binding: simulatedMockBinding(sim), journal,
      clock, log, statusPollMs: 5, replyTimeoutMs: 100, maxStatusFailures: 1,
    });
    const events: PayoutEvent[] = [];
    const runner = createPayoutRunner({ db, clock, log, dispenser, journal, onWrite: () => undefined, customerPresent: () => true });
    runner.onEvent((e) => events.push(e));
    cleanups.push(() => dispenser.close(), () => runner.stop());
    return { dispenser, runner, events };
  };
  return { db, clock, sim, kiosk, job: (coins: number) => addJob(db, clock, coins) };
}

function addJob(db: KioskDb, clock: ManualClock, coins: number): string {
  const tx = insertTransaction(db, clock, newId(), quote(coins * 25, { flat_cents: 0, bps: 0 }));
  const id = newId();
  receiveJob(db, clock, { id, transaction_id: tx.id, kiosk_id: newId(), coins, expires_at: new Date(clock.now().getTime() + 900_000).toISOString(), signature: 'test' });
  return id;
}

function payoutResult(db: KioskDb, jobId: string): Record<string, unknown> {
  const rows = db.prepare("SELECT payload FROM outbox WHERE type = 'payout.result'").pluck().all() as string[];
  const mine = rows.map((r) => JSON.parse(r) as Record<string, unknown>).filter((p) => p.job_id === jobId);
  expect(mine).toHaveLength(1);
  return mine[0]!;
}

describe('payout runner remainder rule (real dispenser, simulated hopper)', () => {
  it('ends a short payout partial with the owed coins in payout.result and never pays that job again', async () => {
    const r = await rig({ inventory: 7 });
    const { dispenser, runner } = r.kiosk();
    await dispenser.open();
    const jobId = r.job(20);
    await runner.enqueue(jobId);
    expect(getJob(r.db, jobId)).toMatchObject({ status: 'partial', coins_paid: 7 });
    expect(payoutResult(r.db, jobId)).toMatchObject({ outcome: 'partial', coins_ordered: 20, coins_paid: 7, coins_unpaid: 13, reason: expect.stringMatching(/^empty: 13 coins owed/) });
    r.sim.inventory += 100;
    await runner.enqueue(jobId);
    expect(r.sim.dispenseLog).toEqual([20]);
  });

  it('after a payout left in doubt, pays only the remainder the counters prove unpaid while the job is valid', async () => {
    const r = await rig({ coinsPerSecond: 100, faults: { powerCycleMidPayout: { afterCoins: 7, offMs: 800 } } });
    const first = r.kiosk();
    await first.dispenser.open();
    const jobId = r.job(20);
    await first.runner.enqueue(jobId);
    expect(getJob(r.db, jobId)?.status).toBe('in_doubt');
    first.runner.stop(); // the first kiosk stops: its retry of the in-doubt job with it
    await first.dispenser.close();
    await until(() => r.sim.powered);

    const second = r.kiosk(); // the restarted kiosk on the same SQLite file
    await second.dispenser.open();
    await second.runner.enqueue(jobId);
    expect(getJob(r.db, jobId)).toMatchObject({ status: 'completed', coins_paid: 20 });
    expect(r.sim.dispenseLog).toEqual([20, 13]);
    expect(r.sim.coinsOut).toBe(20);
    expect(payoutResult(r.db, jobId)).toMatchObject({ outcome: 'completed', coins_unpaid: 0 });
  });

  it('records the proven remainder as owed instead of paying it when the job expired before the retry', async () => {
    const r = await rig({ coinsPerSecond: 100, faults: { powerCycleMidPayout: { afterCoins: 7, offMs: 800 } } });
    const first = r.kiosk();
    await first.dispenser.open();
    const jobId = r.job(20);
    await first.runner.enqueue(jobId);
    first.runner.stop();
    await first.dispenser.close();
    await until(() => r.sim.powered);
    r.clock.advance(16 * 60_000); // the kiosk came back after the job's 15 minutes

    const second = r.kiosk();
    await second.dispenser.open();
    await second.runner.enqueue(jobId);
    expect(getJob(r.db, jobId)).toMatchObject({ status: 'partial', coins_paid: 7 });
    expect(r.sim.dispenseLog).toEqual([20]);
    expect(r.sim.coinsOut).toBe(7);
    expect(payoutResult(r.db, jobId)).toMatchObject({ outcome: 'partial', coins_paid: 7, coins_unpaid: 13, reason: expect.stringContaining('13 coins owed') });
    expect(second.events.map((e) => e.kind)).toEqual(['finished']);
  });
});
