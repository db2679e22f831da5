import { describe, expect, it } from 'vitest';
import { checkRun, tally, type RunRecord } from './invariants';

/** The chaos checker must catch each kind of money error; a checker that cannot fail proves nothing. */
const TX = '01a21403-86c9-74b7-9e1a-23b498727661';
const JOB = '01a21403-8ff6-7377-81b7-115abafa2c47';

function paid(coins: number, over: Partial<RunRecord> = {}): RunRecord {
  return {
    run: 0,
    scenario: 'clean',
    transactionId: TX,
    coins: 16,
    hopperCoins: coins,
    dispenses: [16],
    kiosk: { status: coins === 16 ? 'completed' : 'partial', coins_paid: coins, jobs: [{ id: JOB, status: coins === 16 ? 'completed' : 'partial', coins: 16, coins_paid: coins }] },
    cloud: { status: coins === 16 ? 'completed' : 'partial', coins_paid: coins, job: { id: JOB, status: coins === 16 ? 'completed' : 'partial', coins_paid: coins } },
    credits: coins === 16 ? [] : [{ coins: 16 - coins, state: 'open' }],
    outboxUnsent: 0,
    settled: true,
    ...over,
  };
}
const names = (r: RunRecord) => checkRun(r).map((v) => v.invariant).sort();

describe('chaos invariants', () => {
  it('accepts a complete payout and a partial one with its credit', () => {
    expect(checkRun(paid(16))).toEqual([]);
    expect(checkRun(paid(6))).toEqual([]);
  });

  it('accepts a cash-out the cloud never heard of, ended by the kiosk without a job', () => {
    expect(checkRun(paid(0, { dispenses: [], kiosk: { status: 'cancelled', coins_paid: null, jobs: [] }, cloud: null, credits: [] }))).toEqual([]);
  });

  it('catches coins paid twice: more than ordered, or a second dispense command', () => {
    expect(names(paid(16, { hopperCoins: 20 }))).toContain('coins_paid_le_ordered');
    expect(names(paid(16, { dispenses: [16, 16, 8] }))).toEqual(['coins_paid_le_ordered']); // a second retry
    expect(names(paid(16, { dispenses: [20] }))).toEqual(['coins_paid_le_ordered']);
    expect(names(paid(16, { dispenses: [16, 8] }))).toEqual([]); // the rest after a power cut, once (issue 13)
  });

  it('catches the hopper, the kiosk and the cloud disagreeing', () => {
    expect(names(paid(16, { hopperCoins: 12 }))).toContain('hopper_eq_kiosk');
    const cloudBehind = paid(16);
    cloudBehind.cloud = { status: 'completed', coins_paid: 12, job: { id: JOB, status: 'completed', coins_paid: 12 } };
    expect(names(cloudBehind)).toEqual(['kiosk_eq_cloud']);
  });

  it('catches a second job for one transaction', () => {
    const r = paid(16);
    r.cloud = { ...r.cloud!, job: { id: TX, status: 'completed', coins_paid: 16 } };
    expect(names(r)).toEqual(['one_job_per_transaction']);
  });

  it('catches a shortfall nobody is told about, a wrong or second credit, and a credit for coins that were paid', () => {
    expect(names(paid(6, { credits: [] }))).toEqual(['shortfall_owed']);
    expect(names(paid(6, { credits: [{ coins: 9, state: 'open' }] }))).toEqual(['shortfall_owed']);
    expect(names(paid(6, { credits: [{ coins: 10, state: 'open' }, { coins: 10, state: 'open' }] }))).toEqual(['shortfall_owed']);
    expect(names(paid(16, { credits: [{ coins: 16, state: 'open' }] }))).toEqual(['shortfall_owed']);
    expect(names(paid(6, { credits: [{ coins: 10, state: 'collected' }] }))).toEqual([]);
    expect(names(paid(16, { credits: [{ coins: 0, state: 'waived' }] }))).toEqual([]); // paid after all (late result)
  });

  it('accepts a late payment that became a credit of the full amount and catches one that did not (issue 15)', () => {
    const late = (credits: RunRecord['credits']) =>
      paid(0, { dispenses: [], kiosk: { status: 'expired', coins_paid: null, jobs: [] }, cloud: { status: 'expired', coins_paid: null, job: null }, credits });
    expect(checkRun(late([{ coins: 16, state: 'open' }]))).toEqual([]);
    expect(names(late([{ coins: 4, state: 'open' }]))).toEqual(['shortfall_owed']);
  });

  it('catches coins that left for a transaction that was not the live session (issue 15)', () => {
    const notPresented = paid(0, { hopperCoins: 16, dispenses: [16], kiosk: { status: 'expired', coins_paid: 16, jobs: [] }, credits: [] });
    expect(names(notPresented)).toContain('no_coin_outside_session');
  });

  it('accepts a claim whose ledger collected exactly the coins its payout proved, and catches one that did not (issue 15)', () => {
    const claim = (hopperCoins: number, over: Partial<RunRecord> = {}) => paid(hopperCoins, { kind: 'claim', collected: hopperCoins, credits: [], ...over });
    expect(checkRun(claim(16))).toEqual([]);
    expect(checkRun(claim(8))).toEqual([]); // killed mid-claim with the bowl empty: the rest stays open on the source credit
    expect(names(claim(8, { collected: 16 }))).toEqual(['shortfall_owed']); // collected coins that never left
    expect(names(claim(16, { collected: 8 }))).toEqual(['shortfall_owed']); // paid coins the ledger still owes
    expect(names(claim(8, { credits: [{ coins: 8, state: 'open' }] }))).toEqual(['shortfall_owed']); // a claim never opens a credit
  });

  it("catches a credit whose state does not match its collected coins (issue 15)", () => {
    const owed = (credit: RunRecord['credits'][number]) =>
      paid(0, { dispenses: [], kiosk: { status: 'cancelled', coins_paid: null, jobs: [] }, cloud: { status: 'cancelled', coins_paid: null, job: null }, credits: [credit] });
    expect(checkRun(owed({ coins: 16, state: 'open', coins_collected: 8 }))).toEqual([]);
    expect(checkRun(owed({ coins: 16, state: 'collected', coins_collected: 16 }))).toEqual([]);
    expect(names(owed({ coins: 16, state: 'collected', coins_collected: 8 }))).toEqual(['shortfall_owed']);
    expect(names(owed({ coins: 16, state: 'open', coins_collected: 16 }))).toEqual(['shortfall_owed']);
    expect(names(owed({ coins: 16, state: 'open', coins_collected: 20 }))).toEqual(['shortfall_owed']);
  });

  it('catches an outbox left behind and a transaction stuck before its end', () => {
    expect(names(paid(16, { outboxUnsent: 3 }))).toEqual(['outbox_empty']);
    expect(names(paid(16, { cloud: { status: 'paid', coins_paid: null, job: { id: JOB, status: 'acked', coins_paid: null } } }))).toContain('no_stuck_transaction');
    expect(names(paid(16, { settled: false }))).toEqual(['no_stuck_transaction']);
  });

  it('counts every invariant for every run', () => {
    const runs = [paid(16), paid(6, { credits: [] })];
    const t = tally(runs, runs.flatMap(checkRun));
    expect(t.shortfall_owed).toEqual({ checked: 2, violated: 1 });
    expect(t.outbox_empty).toEqual({ checked: 2, violated: 0 });
  });
});
