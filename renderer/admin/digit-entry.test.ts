import { describe, expect, it } from 'vitest';
import { pressDigit } from './digit-entry';

describe('admin digit entry', () => {
  it('appends digits up to the maximum length and ignores more', () => {
    expect(pressDigit('246', '8', 4)).toBe('2468');
    expect(pressDigit('2468', '1', 4)).toBe('2468');
  });
  it('deletes the last digit and clears everything', () => {
    expect(pressDigit('246', 'delete', 4)).toBe('24');
    expect(pressDigit('246', 'clear', 4)).toBe('');
  });
  it('replaces a lone leading zero in a count but keeps every zero of a PIN', () => {
    expect(pressDigit('0', '7', 6)).toBe('7');
    expect(pressDigit('000', '0', 8, 'pin')).toBe('0000');
  });
});
