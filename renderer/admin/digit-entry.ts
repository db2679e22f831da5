/** Digit entry of the admin keypads (PIN, coin counts): pure, so the rules are tested without a DOM. */
export type DigitKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'clear' | 'delete';

/** A PIN keeps every digit ('0007' is a PIN); a count drops a lone leading zero ('07' is 7). */
export type DigitKind = 'pin' | 'count';

export function pressDigit(value: string, key: DigitKey, maxLength: number, kind: DigitKind = 'count'): string {
  if (key === 'clear') return '';
  if (key === 'delete') return value.slice(0, -1);
  if (value.length >= maxLength) return value;
  return kind === 'count' && value === '0' ? key : value + key;
}
