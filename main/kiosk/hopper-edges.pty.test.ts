import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../hardware/testing/dispenser-fixture';
import { ptyKioskRig } from './testing/pty-kiosk';

/**
 * Issue 13, the hopper at its edges — the safe retries, each on a socat pty (real `serialport`) against
 * the hopper simulator with the whole kiosk core and the real cloud. Every test ends with the books
 * agreeing: coins out of the simulator = coins the kiosk's journal and job recorded = coins the cloud
 * recorded, the rest owed in the cloud, and exactly one payout.result for the job.
 * Retry rule: kiosk/payout-runner.ts; settling after a power cut: hardware/cctalk-power-settle.ts.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Books = Awaited<ReturnType<Awaited<ReturnType<typeof ptyKioskRig>>['books']>>;
function expectBooks(b: Books, paid: number): void {
  expect(b).toMatchObject({ simulatorOut: paid, journalPaid: paid, kioskPaid: paid, cloudPaid: paid, payoutResults: 1, cloudOwed: b.ordered - paid });
  expect(b.cloudStatus).toBe(b.kioskStatus);
}

describe('hopper power cut mid-payout (issue 13)', { timeout: 90_000 }, () => {
  it('pays the rest once, after the settling time, while the customer is at the screen', async () => {
    const r = await ptyKioskRig(cleanups, { faults: { powerCycleMidPayout: { afterCoins: 5, offMs: 60 } } });
    const k = await r.kiosk();
    const txId = await k.startCashOut(300); // 12 coins
    await k.waitFor((s) => s.flow.screen === 'done', 'the end of the payout', 30_000);
    expect(r.sim.dispenseLog).toEqual([12, 7]); // the rest, once
    expect(k.journal.paidForJob(k.job(txId)!.id)).toMatchObject({ intents: 2, coinsPaid: 12 });
    expectBooks(await r.books(txId, k.db), 12);
  });

  it('never pays after a second cut: the rest cut again ends partial with the remainder owed', async () => {
    const r = await ptyKioskRig(cleanups, { faults: { powerCycleMidPayout: { afterCoins: 5, offMs: 60 } } });
    const k = await r.kiosk();
    const txId = await k.startCashOut(300); // 12 coins
    await until(() => r.sim.faults.powerCycleMidPayout === null, 10_000); // the first cut happened
    r.sim.faults.powerCycleMidPayout = { afterCoins: 2, offMs: 60 }; // and the rest is cut too
    await k.waitFor((s) => s.flow.screen === 'error', 'the end of the payout', 30_000);
    expect(r.sim.dispenseLog).toEqual([12, 7]);
    expect(k.job(txId)).toMatchObject({ status: 'partial', coins_paid: 7 });
    expectBooks(await r.books(txId, k.db), 7);
  });

  it('does not pay the rest when the hopper is cut again while it settles', async () => {
    const r = await ptyKioskRig(cleanups, { faults: { powerCycleMidPayout: { afterCoins: 5, offMs: 60 } } });
    const k = await r.kiosk();
    const txId = await k.startCashOut(300);
    await until(() => r.sim.faults.powerCycleMidPayout === null, 10_000);
    await until(() => r.sim.powered);
    let tests = 0;
    r.sim.taps.handled = (h) => {
      if (h === 163 && ++tests === 2) void r.sim.powerCycle(300); // inside the settling window
    };
    await k.waitFor((s) => s.flow.screen === 'error', 'the end of the payout', 30_000);
    expect(r.sim.dispenseLog).toEqual([12]);
    expect(k.job(txId)).toMatchObject({ status: 'partial', coins_paid: 5 });
    expect(k.db.prepare('SELECT reason FROM transactions WHERE id = ?').pluck().get(txId)).toMatch(/did not stay up after its power cut.*7 coins owed/);
    expectBooks(await r.books(txId, k.db), 5);
  });

  it('a long cut leaves the payout in doubt; the runner settles it and pays the rest once (one payout.result)', async () => {
    const r = await ptyKioskRig(cleanups, { faults: { powerCycleMidPayout: { afterCoins: 5, offMs: 3000 } } });
    const k = await r.kiosk({ maxStatusFailures: 3 });
    const txId = await k.startCashOut(300);
    await k.waitFor((s) => s.flow.screen === 'error' && s.flow.error.code === 'payout_in_doubt', 'the in-doubt screen', 20_000);
    await k.waitFor((s) => s.flow.screen === 'done', 'the rest paid', 30_000);
    expect(r.sim.dispenseLog).toEqual([12, 7]);
    expectBooks(await r.books(txId, k.db), 12);
  });

  it('a long cut whose customer left the screen: the rest is owed, not paid', async () => {
    const r = await ptyKioskRig(cleanups, { faults: { powerCycleMidPayout: { afterCoins: 5, offMs: 3000 } } });
    const k = await r.kiosk({ maxStatusFailures: 3 });
    const txId = await k.startCashOut(300);
    await k.waitFor((s) => s.flow.screen === 'error' && s.flow.error.code === 'payout_in_doubt', 'the in-doubt screen', 20_000);
    expect((await k.api.dismiss({})).ok).toBe(true); // the customer walks away
    await until(() => k.job(txId)?.status === 'partial', 20_000);
    expect(r.sim.dispenseLog).toEqual([12]);
    expect(k.db.prepare('SELECT reason FROM transactions WHERE id = ?').pluck().get(txId)).toBe('the customer is no longer at the screen: 7 coins owed');
    expectBooks(await r.books(txId, k.db), 5);
  });

  it('after a kiosk restart the rest waits for the cloud time, then is paid once by the same rule', async () => {
    const r = await ptyKioskRig(cleanups, { faults: { powerCycleMidPayout: { afterCoins: 5, offMs: 3000 } } });
    const first = await r.kiosk({ maxStatusFailures: 3 });
    const txId = await first.startCashOut(300);
    await first.waitFor((s) => s.flow.screen === 'error' && s.flow.error.code === 'payout_in_doubt', 'the in-doubt screen', 20_000);
    await first.stop(); // the kiosk restarts while the payout is in doubt…
    r.cloud.proxy.setFaults({ rules: [{ fault: { kind: 'refuse' } }] }); // …and boots without the cloud
    r.cloud.proxy.disconnect();
    await until(() => r.sim.powered, 5_000);
    const second = await r.kiosk({ maxStatusFailures: 3 });
    await until(() => second.journal.paidForJob(second.job(txId)!.id).openIntents === 0, 10_000); // settled from the counters
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.sim.dispenseLog).toEqual([12]); // the cloud's time is not known: nothing paid
    expect(second.job(txId)?.status).not.toMatch(/completed|partial|failed/);
    r.cloud.proxy.clearFaults();
    await until(() => second.job(txId)?.status === 'completed', 30_000);
    expect(r.sim.dispenseLog).toEqual([12, 7]);
    expectBooks(await r.books(txId, second.db), 12);
  });
});

describe('safe re-sends (issue 13)', { timeout: 60_000 }, () => {
  it('re-sends a 167 proven not taken once, as a new intent', async () => {
    const r = await ptyKioskRig(cleanups);
    let drops = 0;
    r.sim.taps.frame = (h) => (h === 167 && drops++ === 0 ? 'drop' : undefined); // the first 167 never reaches the hopper
    const k = await r.kiosk();
    const txId = await k.startCashOut(300);
    await k.waitFor((s) => s.flow.screen === 'done', 'the end of the payout', 30_000);
    expect(r.sim.seen.get(167)).toBe(2);
    expect(r.sim.dispenseLog).toEqual([12]);
    expect(k.journal.paidForJob(k.job(txId)!.id)).toMatchObject({ intents: 2, coinsPaid: 12 });
    expectBooks(await r.books(txId, k.db), 12);
  });

  it('never re-sends twice: two 167s proven not taken end the job failed with every coin owed', async () => {
    const r = await ptyKioskRig(cleanups);
    r.sim.taps.frame = (h) => (h === 167 ? 'drop' : undefined);
    const k = await r.kiosk();
    const txId = await k.startCashOut(300);
    await k.waitFor((s) => s.flow.screen === 'error', 'the end of the payout', 30_000);
    expect(r.sim.seen.get(167)).toBe(2);
    expect(k.job(txId)).toMatchObject({ status: 'failed', coins_paid: 0 });
    expectBooks(await r.books(txId, k.db), 0);
  });

  it('retries a lost reply to 164 (enable) like a read: no 167 had left', async () => {
    const r = await ptyKioskRig(cleanups);
    let drops = 0;
    r.sim.taps.frame = (h) => (h === 164 && r.sim.dispenseCommands === 0 && drops++ === 0 ? 'drop' : undefined);
    const k = await r.kiosk();
    const txId = await k.startCashOut(300);
    await k.waitFor((s) => s.flow.screen === 'done', 'the end of the payout', 30_000);
    expect(drops).toBeGreaterThan(0);
    expect(r.sim.dispenseLog).toEqual([12]);
    expect(k.journal.paidForJob(k.job(txId)!.id)).toMatchObject({ intents: 1 });
    expectBooks(await r.books(txId, k.db), 12);
  });

  it('retries a lost reply to 160 (cipher key, 8-byte form) like a read: no 167 had left', async () => {
    const r = await ptyKioskRig(cleanups, { dispenseForm: 'cipher8' });
    let drops = 0;
    r.sim.taps.frame = (h) => (h === 160 && drops++ === 0 ? 'drop' : undefined);
    const k = await r.kiosk({ dispenseForm: 'cipher8' });
    const txId = await k.startCashOut(300);
    await k.waitFor((s) => s.flow.screen === 'done', 'the end of the payout', 30_000);
    expect(r.sim.seen.get(160)).toBe(2);
    expect(r.sim.dispenseLog).toEqual([12]);
    expect(k.journal.paidForJob(k.job(txId)!.id)).toMatchObject({ intents: 1 });
    expectBooks(await r.books(txId, k.db), 12);
  });
});
