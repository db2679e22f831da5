import { describe, expect, it } from 'vitest';
import type { RunRecord } from './invariants';
import type { DrivenRun } from './scenarios';
import { SESSION_SCENARIOS } from './session-scenarios';

/**
 * The issue 15 scenarios' judges (session-scenarios.ts) must fail a run whose race did not happen or went
 * wrong: a judge that cannot fail would let a scenario test nothing.
 */
const SOURCE = '01a21403-86c9-74b7-9e1a-23b498727661';
const OTHER = '01a21403-8ff6-7377-81b7-115abafa2c47';
const JOB = '01a21403-9a00-7000-8000-000000000001';

const judge = (name: string, records: RunRecord[], run: DrivenRun) => SESSION_SCENARIOS.find((s) => s.name === name)!.judge!(records, run);

function rec(id: string, over: Partial<RunRecord>): RunRecord {
  return {
    run: 0, scenario: 'x', transactionId: id, coins: 8, hopperCoins: 0, dispenses: [],
    kiosk: { status: 'cancelled', coins_paid: null, jobs: [] }, cloud: null, credits: [], outboxUnsent: 0, settled: true, ...over,
  };
}

describe('late_payment judge', () => {
  const run = (facts: DrivenRun['facts']): DrivenRun => ({ transactions: [SOURCE, OTHER], facts: { confirming_shown: true, first_ended_on: 'payment_confirm_timeout', next_still_on_qr: true, coins_out_meanwhile: 0, ...facts } });
  const first = rec(SOURCE, { kiosk: { status: 'expired', coins_paid: null, jobs: [] }, credits: [{ coins: 8, state: 'open', reason: 'late_payment', coins_collected: 0 }] });
  const next = rec(OTHER, {});

  it('accepts a late payment credited in full while the next customer kept the QR', () => {
    expect(judge('late_payment', [first, next], run({})).problems).toEqual([]);
  });

  it('fails a run that never reached the confirming screen, touched the next customer, paid coins or credited it wrongly', () => {
    expect(judge('late_payment', [first, next], run({ confirming_shown: false })).problems).toHaveLength(1);
    expect(judge('late_payment', [first, next], run({ next_still_on_qr: false })).problems).toHaveLength(1);
    expect(judge('late_payment', [first, next], run({ coins_out_meanwhile: 4 })).problems).toHaveLength(1);
    expect(judge('late_payment', [{ ...first, credits: [{ coins: 8, state: 'open', reason: 'not_presented' }] }, next], run({})).problems).toHaveLength(1);
    expect(judge('late_payment', [first, { ...next, kiosk: { status: 'completed', coins_paid: 8, jobs: [{ id: JOB, status: 'completed', coins: 8, coins_paid: 8 }] } }], run({})).problems).toHaveLength(1);
  });
});

describe('cancel_races_job judge', () => {
  const run = (facts: DrivenRun['facts']): DrivenRun => ({ transactions: [SOURCE], facts: { job_delivered: true, ...facts } });
  const cancelled = rec(SOURCE, { credits: [{ coins: 8, state: 'open', reason: 'not_presented' }] });
  const paidOut = rec(SOURCE, { hopperCoins: 8, kiosk: { status: 'completed', coins_paid: 8, jobs: [{ id: JOB, status: 'completed', coins: 8, coins_paid: 8 }] } });

  it('accepts either winner, never both, never neither', () => {
    expect(judge('cancel_races_job', [cancelled], run({ order: 'together', cancel: 'accepted' }))).toEqual({ outcome: 'together: cancel_won', problems: [] });
    expect(judge('cancel_races_job', [paidOut], run({ order: 'together', cancel: 'not_cancellable' }))).toEqual({ outcome: 'together: job_won', problems: [] });
    expect(judge('cancel_races_job', [{ ...paidOut, credits: cancelled.credits }], run({ order: 'together', cancel: 'not_cancellable' })).problems).toHaveLength(1); // both
    expect(judge('cancel_races_job', [rec(SOURCE, {})], run({ order: 'together', cancel: 'accepted' })).problems).toHaveLength(1); // neither
  });

  it('fails a race that did not happen in the order the seed picked', () => {
    expect(judge('cancel_races_job', [cancelled], run({ order: 'cancel_then_job', cancel: 'accepted', job_delivered: false })).problems).toHaveLength(1);
    expect(judge('cancel_races_job', [paidOut], run({ order: 'cancel_then_job', cancel: 'not_cancellable' })).problems).toHaveLength(1);
    expect(judge('cancel_races_job', [cancelled], run({ order: 'job_then_cancel', cancel: 'accepted' })).problems).toHaveLength(1);
  });
});

describe('collect_killed_mid_payout judge', () => {
  const run = (facts: DrivenRun['facts']): DrivenRun => ({ transactions: [SOURCE, OTHER], claim: { sourceId: SOURCE, claimId: OTHER, collectedBefore: 0 }, facts: { credit_reason: 'cancelled_after_payment', killed_after_coins: 4, bowl_empties: true, ...facts } });
  const source = (collected: number, state: string) => rec(SOURCE, { credits: [{ coins: 8, state, reason: 'cancelled_after_payment', coins_collected: collected }] });
  const claim = (paid: number) => rec(OTHER, { kind: 'claim', hopperCoins: paid, collected: paid, kiosk: { status: 'partial', coins_paid: paid, jobs: [{ id: JOB, status: 'partial', coins: 8, coins_paid: paid }] } });

  it('accepts a claim cut short with the rest left open, and one whose rest the hopper paid', () => {
    expect(judge('collect_killed_mid_payout', [source(5, 'open'), claim(5)], run({}))).toEqual({ outcome: 'rest_left_open', problems: [] });
    expect(judge('collect_killed_mid_payout', [source(8, 'collected'), claim(8)], run({ bowl_empties: false }))).toEqual({ outcome: 'rest_paid_after_restart', problems: [] });
  });

  it('fails a run without the kill, a ledger that collected other than the coins paid, or an emptied bowl that paid everything', () => {
    expect(judge('collect_killed_mid_payout', [source(5, 'open'), claim(5)], run({ killed_after_coins: '' })).problems.length).toBeGreaterThan(0);
    expect(judge('collect_killed_mid_payout', [source(8, 'collected'), claim(5)], run({})).problems).toHaveLength(1);
    expect(judge('collect_killed_mid_payout', [source(5, 'collected'), claim(5)], run({})).problems).toHaveLength(1);
    expect(judge('collect_killed_mid_payout', [source(8, 'collected'), claim(8)], run({})).problems).toHaveLength(1);
    expect(judge('collect_killed_mid_payout', [source(2, 'open'), claim(2)], run({})).problems).toHaveLength(1); // fewer than out before the kill
  });
});
