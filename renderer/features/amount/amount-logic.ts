import { QUARTER_CENTS, quote, type FeePolicy, type Quote } from '../../../contract/money';
import type { Limits } from '../../../contract/kiosk-api';

/**
 * Whether an amount may be cashed out (PRODUCT.md "The customer flow" 1): whole dollars, within the
 * configured limits, and no more quarters than the hopper holds. Integer cents only.
 */
export type AmountCheck =
  | { kind: 'none' }
  | { kind: 'ok'; quote: Quote }
  | { kind: 'not_whole_dollars' }
  | { kind: 'below_min'; min_cents: number }
  | { kind: 'above_max'; max_cents: number }
  | { kind: 'not_enough_coins'; coins_available: number; quote: Quote };

export interface AmountRules {
  limits: Limits;
  fee: FeePolicy;
  coins_available: number;
}

export function checkAmount(cents: number | null, rules: AmountRules): AmountCheck {
  if (cents === null || cents === 0) return { kind: 'none' };
  if (!Number.isSafeInteger(cents) || cents < 0 || cents % 100 !== 0) return { kind: 'not_whole_dollars' };
  if (cents < rules.limits.min_cents) return { kind: 'below_min', min_cents: rules.limits.min_cents };
  if (cents > rules.limits.max_cents) return { kind: 'above_max', max_cents: rules.limits.max_cents };
  const q = quote(cents, rules.fee);
  if (q.coins > rules.coins_available) return { kind: 'not_enough_coins', coins_available: rules.coins_available, quote: q };
  return { kind: 'ok', quote: q };
}

/** The value of `coins` quarters in cents, for the refusal sentence. */
export function coinsValueCents(coins: number): number {
  return coins * QUARTER_CENTS;
}

export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'clear' | 'delete';

/**
 * Keypad entry of whole dollars as a digit string. No leading zeros, and never more digits than
 * the largest allowed amount has (so the number stays small and exact); amounts above the maximum
 * with that many digits are still typed, and then refused with a sentence by checkAmount.
 */
export function pressKey(digits: string, key: KeypadKey, maxCents: number): string {
  if (key === 'clear') return '';
  if (key === 'delete') return digits.slice(0, -1);
  if (digits === '' && key === '0') return '';
  const maxDigits = String(Math.floor(maxCents / 100)).length;
  if (digits.length >= maxDigits) return digits;
  return digits + key;
}

/** Cents for a digit string of whole dollars; null when empty. */
export function digitsToCents(digits: string): number | null {
  if (!/^\d+$/.test(digits)) return null;
  return Number(digits) * 100;
}

/** The digit string for a preset, so a preset and the keypad share one entry. */
export function centsToDigits(cents: number): string {
  return cents % 100 === 0 && cents > 0 ? String(cents / 100) : '';
}
