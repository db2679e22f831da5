import { describe, expect, it } from 'vitest';
import { centsToDigits, digitsToCents, policyOf, pressKey, type KeypadKey } from './amount-logic';

describe('policyOf', () => {
  it('reads the limits and fee the kiosk state carries', () => {
    const state = { limits: { min_cents: 100, max_cents: 5000, presets_cents: [500] }, fee: { flat_cents: 50, bps: 100 } };
    expect(policyOf(state)).toEqual({ min_cents: 100, max_cents: 5000, fee: { flat_cents: 50, bps: 100 } });
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
