import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { startHopperOnPty } from '../../sim/hopper/pty';
import type { HopperSimOptions } from '../../sim/hopper/sim-types';
import { openKioskDb } from '../db/open-db';
import { PayoutJournal } from './payout-journal';
import type { ChildArgs } from './testing/crash-child';
import { type CrashChild, startCrashChild } from './testing/crash-parent';
import { until as untilFor } from './testing/dispenser-fixture';

/** A child (tsx start-up) can take seconds on a loaded machine: wait generously for its states. */
const until = (pred: () => boolean) => untilFor(pred, 20_000);

/**
 * Done-when of issue 3: the kiosk process is SIGKILLed between the journal write and the 167, between
 * the 167 and its reply, and mid-payout; a fresh process on the same SQLite file settles from the
 * hopper's counters and pays only the proven remainder. The simulator lives in this (test) process,
 * so its own count of coins that left it (`coinsOut`) and of accepted 167s (`dispenseLog`) is the truth.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(simOpts: HopperSimOptions = {}) {
  const hopper = await startHopperOnPty({ coinsPerSecond: 100, ...simOpts });
  cleanups.push(() => hopper.stop());
  const dir = mkdtempSync(join(tmpdir(), 'crash-journal-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'kiosk.db');
  const children: CrashChild[] = [];
  cleanups.push(() => Promise.all(children.map((c) => c.kill())));
  const child = (jobId: string, coins: number, extra: Partial<Pick<ChildArgs, 'holdAfterIntent' | 'payRemainder' | 'dispenseForm' | 'replyForm'>> = {}) => {
    const c = startCrashChild({ device: hopper.devicePath, db, jobId, coins, ...extra });
    children.push(c);
    return c;
  };
  /** The journal file as the next start-up would see it (read after the children are gone). */
  const journal = () => {
    const kdb = openKioskDb(db);
    const j = new PayoutJournal(kdb, new ManualClock());
    const view = { open: j.openIntents().length, total: j.coinsPaidTotal(), job: (id: string) => j.paidForJob(id).coinsPaid };
    return { ...view, close: () => kdb.close() };
  };
  return { sim: hopper.sim, child, journal };
}

async function restartAndFinish(c: CrashChild) {
  const settled = await c.next('settled');
  const done = await c.next('done');
  expect(await c.exited).toBe(0);
  return { settled: settled.settled, done, paid: c.events.find((e) => e.event === 'paid') ?? null };
}

function expectBooksAgree(r: Awaited<ReturnType<typeof rig>>, jobId: string, ordered: number): void {
  const j = r.journal();
  try {
    expect(r.sim.coinsOut).toBe(ordered);
    expect(j.total).toBe(r.sim.coinsOut);
    expect(j.job(jobId)).toBe(ordered);
    expect(j.open).toBe(0);
  } finally {
    j.close();
  }
}

describe('kiosk process SIGKILLed around a payout, restarted on the same journal file (pty)', () => {
  it('pays the whole job once when killed between the journal write and the 167', async () => {
    const r = await rig();
    const first = r.child('job-a', 20, { holdAfterIntent: true });
    await first.next('intent');
    await first.kill();
    expect(r.sim.seen.get(167) ?? 0).toBe(0);

    const after = await restartAndFinish(r.child('job-a', 20));
    expect(after.settled).toEqual([{ jobId: 'job-a', coinsPaid: 0, evidence: expect.stringMatching(/unchanged.*not taken/) }]);
    expect(after.paid).toMatchObject({ coinsRequested: 20, coinsPaid: 20 });
    expect(r.sim.dispenseLog).toEqual([20]); // the one 167 came after the counters proved the first intent never reached the wire
    expectBooksAgree(r, 'job-a', 20);
  });

  it('never re-sends the 167 when killed while its reply was lost', async () => {
    const r = await rig({ faults: { dropReplyAfterPaying: true } });
    const first = r.child('job-b', 20);
    await until(() => r.sim.dispenseCommands === 1);
    await first.kill();

    const after = await restartAndFinish(r.child('job-b', 20));
    expect(after.settled).toEqual([expect.objectContaining({ jobId: 'job-b', coinsPaid: 20 })]);
    expect(after.paid).toBeNull();
    expect(r.sim.dispenseLog).toEqual([20]);
    expectBooksAgree(r, 'job-b', 20);
  });

  it('never re-sends the 167 of an 8-byte-form, ACK-reply hopper when killed before its reply', async () => {
    const forms = { dispenseForm: 'cipher8', replyForm: 'ack' } as const;
    const r = await rig({ ...forms, faults: { dropReplyAfterPaying: true } });
    const first = r.child('job-ack', 10, forms);
    await until(() => r.sim.dispenseCommands === 1);
    await first.kill();

    const after = await restartAndFinish(r.child('job-ack', 10, forms));
    expect(after.settled).toEqual([expect.objectContaining({ jobId: 'job-ack', coinsPaid: 10 })]);
    expect(r.sim.dispenseLog).toEqual([10]);
    expectBooksAgree(r, 'job-ack', 10);
  });

  it('never re-sends the 167 when killed while its reply was late', async () => {
    const r = await rig({ faults: { lateReplyTo: { header: 167, ms: 900 } } });
    const first = r.child('job-late', 15);
    await until(() => (r.sim.seen.get(167) ?? 0) === 1);
    await first.kill();

    const after = await restartAndFinish(r.child('job-late', 15));
    expect(after.settled).toEqual([expect.objectContaining({ jobId: 'job-late', coinsPaid: 15 })]);
    expect(r.sim.dispenseLog).toEqual([15]);
    expectBooksAgree(r, 'job-late', 15);
  });

  it('settles a payout the hopper finished on its own after the kiosk was killed mid-payout', async () => {
    const r = await rig();
    const first = r.child('job-c', 20);
    await until(() => r.sim.coinsOut >= 5);
    await first.kill();

    const after = await restartAndFinish(r.child('job-c', 20));
    expect(after.settled).toEqual([expect.objectContaining({ jobId: 'job-c', coinsPaid: 20 })]);
    expect(after.paid).toBeNull();
    expect(r.sim.dispenseLog).toEqual([20]);
    expectBooksAgree(r, 'job-c', 20);
  });

  it('records the remainder as owed when the hopper emptied after the kill, and pays only it once the flow allows', async () => {
    const r = await rig({ inventory: 12 });
    const first = r.child('job-e', 20);
    await until(() => r.sim.coinsOut >= 5);
    await first.kill();

    const owed = await restartAndFinish(r.child('job-e', 20, { payRemainder: false }));
    expect(owed.settled).toEqual([expect.objectContaining({ jobId: 'job-e', coinsPaid: 12 })]);
    expect(r.sim.dispenseLog).toEqual([20]);
    await expect(owed.done).toMatchObject({ jobPaid: 12 });
    expect(r.sim.coinsOut).toBe(12);

    r.sim.inventory += 50; // a technician refills; the flow now allows the remainder
    const paid = await restartAndFinish(r.child('job-e', 20));
    expect(paid.settled).toEqual([]);
    expect(paid.paid).toMatchObject({ coinsRequested: 8, coinsPaid: 8 });
    expect(r.sim.dispenseLog).toEqual([20, 8]);
    expectBooksAgree(r, 'job-e', 20);
  });

  it('settles from the EEPROM counters after a power cycle mid-payout and a kiosk restart, then pays only the remainder', async () => {
    const r = await rig({ faults: { powerCycleMidPayout: { afterCoins: 7, offMs: 400 } } });
    const first = r.child('job-p', 20);
    await until(() => !r.sim.powered);
    await first.kill();
    await until(() => r.sim.powered);

    const after = await restartAndFinish(r.child('job-p', 20));
    expect(after.settled).toEqual([{ jobId: 'job-p', coinsPaid: 7, evidence: expect.stringMatching(/power-cycle/) }]);
    expect(after.paid).toMatchObject({ coinsRequested: 13, coinsPaid: 13 });
    expect(r.sim.dispenseLog).toEqual([20, 13]);
    expectBooksAgree(r, 'job-p', 20);
  });
});
