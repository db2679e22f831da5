import { describe, expect, it } from 'vitest';
import { createNotifier, watchdogIntervalMs } from './sd-notify';

describe('systemd watchdog interval', () => {
  it('pings at half the WatchdogSec systemd set', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' })).toBe(15_000);
  });

  it.each([[{}], [{ WATCHDOG_USEC: '' }], [{ WATCHDOG_USEC: '-5' }], [{ WATCHDOG_USEC: '1e9' }], [{ WATCHDOG_USEC: '1' }]])(
    'has no watchdog for %j',
    (env) => {
      expect(watchdogIntervalMs(env)).toBeNull();
    },
  );

  it('does nothing outside systemd (no NOTIFY_SOCKET)', () => {
    const errors: unknown[] = [];
    const n = createNotifier({}, 1, (e) => errors.push(e));
    n.ready();
    n.watchdog();
    n.stopping();
    expect(errors).toEqual([]);
  });
});
