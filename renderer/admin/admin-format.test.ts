import { describe, expect, it } from 'vitest';
import { formatTime } from './admin-format';

describe('admin times (issue 16: times show their zone)', () => {
  it('writes the local date and time with the zone', () => {
    expect(formatTime('2026-12-02T16:58:03.000Z', '-', 'UTC')).toBe('2026-12-02 16:58:03 UTC');
    expect(formatTime('2026-12-02T16:58:03.000Z', '-', 'America/New_York')).toBe('2026-12-02 11:58:03 EST');
  });
  it('says never for no time and shows an unreadable one as it came', () => {
    expect(formatTime(null, 'never')).toBe('never');
    expect(formatTime('soon', 'never')).toBe('soon');
  });
});
