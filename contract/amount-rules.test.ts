import { describe, expect, it } from 'vitest';
import { AmountPolicySchema, canPaySmallest, checkAmount, freeCoins, type AmountPolicy } from './amount-rules';

const policy: AmountPolicy = { min_cents: 100, max_cents: 5000, fee: { flat_cents: 50, bps: 100 } };

describe('checkAmount', () => {
  it('quotes coins, fee and total for an amount within the limits and the free coins', () => {
    expect(checkAmount(1000, policy, 100)).toEqual({ kind: 'ok', quote: { amount_cents: 1000, fee_cents: 60, total_cents: 1060, coins: 40 } });
  });
  it('rounds the basis-point fee up to the cent', () => {
    expect(checkAmount(300, { ...policy, fee: { flat_cents: 0, bps: 150 } })).toMatchObject({ kind: 'ok', quote: { fee_cents: 5 } });
  });
  it('asks for an amount when none is entered', () => {
    expect(checkAmount(null, policy, 100)).toEqual({ kind: 'none' });
    expect(checkAmount(0, policy, 100)).toEqual({ kind: 'none' });
  });
  it('refuses amounts outside the limits', () => {
    expect(checkAmount(5100, policy, 1000)).toEqual({ kind: 'above_max', max_cents: 5000 });
    expect(checkAmount(100, { ...policy, min_cents: 200 })).toEqual({ kind: 'below_min', min_cents: 200 });
  });
  it('refuses amounts that are not whole dollars, such as a misconfigured preset', () => {
    expect(checkAmount(250, policy)).toEqual({ kind: 'not_whole_dollars' });
    expect(checkAmount(-100, policy)).toEqual({ kind: 'not_whole_dollars' });
    expect(checkAmount(100.5, policy)).toEqual({ kind: 'not_whole_dollars' });
  });
  it('refuses more quarters than are free, and accepts exactly the free ones', () => {
    expect(checkAmount(2600, policy, 100)).toMatchObject({ kind: 'not_enough_coins', free_coins: 100, quote: { coins: 104 } });
    expect(checkAmount(2500, policy, 100)).toMatchObject({ kind: 'ok', quote: { coins: 100 } });
  });
  it('does not judge coins when the caller does not know the hopper (the cloud)', () => {
    expect(checkAmount(5000, policy)).toMatchObject({ kind: 'ok', quote: { coins: 200 } });
  });
});

describe('freeCoins', () => {
  it('is the inventory minus the coins reserved by open transactions, never below zero', () => {
    expect(freeCoins(100, 40)).toBe(60);
    expect(freeCoins(10, 40)).toBe(0);
  });
  it('decides with canPaySmallest whether any cash-out can start', () => {
    expect(canPaySmallest(policy, 4)).toBe(true);
    expect(canPaySmallest(policy, 3)).toBe(false);
  });
});

describe('AmountPolicySchema', () => {
  it('accepts whole-dollar limits in order and refuses the rest', () => {
    expect(AmountPolicySchema.safeParse(policy).success).toBe(true);
    expect(AmountPolicySchema.safeParse({ ...policy, max_cents: 2550 }).success).toBe(false);
    expect(AmountPolicySchema.safeParse({ ...policy, min_cents: 6000 }).success).toBe(false);
    expect(AmountPolicySchema.safeParse({ ...policy, fee: { flat_cents: 0, bps: 10_001 } }).success).toBe(false);
  });
});
