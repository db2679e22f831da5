import { describe, expect, it } from 'vitest';
import { centsToDigits, checkAmount, digitsToCents, pressKey, type KeypadKey } from './amount-logic';

const rules = { limits: { min_cents: 100, max_cents: 5000, presets_cents: [500] }, fee: { flat_cents: 50, bps: 100 }, coins_available: 100 };

describe('checkAmount', () => {
  it('quotes coins, fee and total for an amount within the limits and the coins on hand', () => {
    expect(checkAmount(1000, rules)).toEqual({ kind: 'ok', quote: { amount_cents: 1000, fee_cents: 60, total_cents: 1060, coins: 40 } });
  });
  it('rounds the basis-point fee up to the cent', () => {
    const check = checkAmount(300, { ...rules, fee: { flat_cents: 0, bps: 150 } });
    expect(check).toMatchObject({ kind: 'ok', quote: { fee_cents: 5 } });
  });
  it('asks for an amount when none is entered', () => {
    expect(checkAmount(null, rules)).toEqual({ kind: 'none' });
    expect(checkAmount(0, rules)).toEqual({ kind: 'none' });
  });
  it('refuses amounts outside the configured limits', () => {
    expect(checkAmount(5100, rules)).toEqual({ kind: 'above_max', max_cents: 5000 });
    expect(checkAmount(100, { ...rules, limits: { ...rules.limits, min_cents: 200 } })).toEqual({ kind: 'below_min', min_cents: 200 });
  });
  it('refuses amounts that are not whole dollars, such as a misconfigured preset', () => {
    expect(checkAmount(250, rules)).toEqual({ kind: 'not_whole_dollars' });
  });
  it('refuses an amount whose coins exceed what the hopper holds, and accepts exactly what it holds', () => {
    expect(checkAmount(2600, rules)).toMatchObject({ kind: 'not_enough_coins', coins_available: 100 });
    expect(checkAmount(2500, rules)).toMatchObject({ kind: 'ok', quote: { coins: 100 } });
  });
});

describe('pressKey', () => {
  const type = (keys: KeypadKey[], max = 5000) => keys.reduce((d, k) => pressKey(d, k, max), '');
  it('builds whole dollars digit by digit without leading zeros', () => {
    expect(type(['0', '1', '0'])).toBe('10');
  });
  it('stops at as many digits as the largest amount has', () => {
    expect(type(['9', '9', '9'])).toBe('99');
    expect(type(['1', '2', '3', '4'], 100_000)).toBe('1234');
  });
  it('deletes the last digit and clears everything', () => {
    expect(type(['4', '2', 'delete'])).toBe('4');
    expect(type(['4', '2', 'clear'])).toBe('');
    expect(type(['delete'])).toBe('');
  });
});

describe('digit conversions', () => {
  it('turns digits into cents and presets back into digits', () => {
    expect(digitsToCents('')).toBeNull();
    expect(digitsToCents('25')).toBe(2500);
    expect(centsToDigits(2000)).toBe('20');
    expect(centsToDigits(250)).toBe('');
  });
});
