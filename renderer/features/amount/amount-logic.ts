import type { AmountPolicy } from '../../../contract/amount-rules';
import type { KioskState } from '../../../contract/kiosk-api';

/**
 * Keypad entry for the amount screen. Whether an amount may be cashed out is decided by
 * contract/amount-rules.ts checkAmount, the same function the kiosk core and the cloud call.
 */

/** The cloud's limits and fee as the kiosk sent them in its state. */
export function policyOf(state: Pick<KioskState, 'limits' | 'fee'>): AmountPolicy {
  return { min_cents: state.limits.min_cents, max_cents: state.limits.max_cents, fee: state.fee };
}

export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'clear' | 'delete';

/**
 * Keypad entry of whole dollars as a digit string. No leading zeros, and never more digits than
 * the largest allowed amount has (so the number stays small and exact); amounts above the maximum
 * with that many digits are still typed, and then refused with a sentence by checkAmount (contract/amount-rules.ts).
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
