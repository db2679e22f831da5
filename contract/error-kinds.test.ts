import { describe, expect, it } from 'vitest';
import { errorKindOf, isMoneyKind, receiptCode } from './error-kinds';
import { ErrorCodes } from './http';

describe('error kinds (issue 16: errors by kind, never a raw code)', () => {
  it('gives the customer cases of the issue their own kind', () => {
    expect(['user_rejected', 'verification_rejected'].map((code) => errorKindOf(code))).toEqual(['cancelled', 'cancelled']);
    expect(errorKindOf('timeout')).toBe('timeout');
    expect(errorKindOf(ErrorCodes.limitReached)).toBe('daily_limit');
    expect(['kiosk_daily_cap_reached', 'fleet_daily_cap_reached'].map((code) => errorKindOf(code))).toEqual(['kiosk_limit', 'kiosk_limit']);
    expect(errorKindOf(ErrorCodes.credentialNotAccepted)).toBe('not_orb');
    expect(errorKindOf('offline')).toBe('offline');
    expect(errorKindOf('empty')).toBe('out_of_coins');
    // A hopper fault is not an empty hopper: "cannot pay right now", or a money case once coins moved.
    expect(errorKindOf('hopper')).toBe('unavailable');
    expect(errorKindOf('hopper', { coinsPaid: 0, coinsOwed: null })).toBe('unavailable');
    expect(errorKindOf('hopper', { coinsPaid: 3, coinsOwed: null })).toBe('short_payout');
    expect(errorKindOf('hopper', { coinsPaid: null, coinsOwed: 17 })).toBe('short_payout');
    expect(errorKindOf('empty', { coinsPaid: 3, coinsOwed: 17 })).toBe('out_of_coins');
    expect(errorKindOf('payout_in_doubt')).toBe('in_doubt');
    expect(['partial_payout', 'payout_failed'].map((code) => errorKindOf(code))).toEqual(['short_payout', 'short_payout']);
  });
  it('words an unknown code as "cannot do this right now", and no own property of Object as a kind', () => {
    expect(errorKindOf('hopper_new_fault')).toBe('unavailable');
    expect(errorKindOf('constructor')).toBe('unavailable');
  });
  it('shows money details only where money moved or may have', () => {
    expect(isMoneyKind('short_payout')).toBe(true);
    expect(isMoneyKind('in_doubt')).toBe(true);
    expect(isMoneyKind('cancelled')).toBe(false);
  });
  it('makes the receipt code from the random end of the id', () => {
    expect(receiptCode('01937a4e-7b1c-7000-8000-00000000c0de')).toBe('0000C0DE');
  });
});
