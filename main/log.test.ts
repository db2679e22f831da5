import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { KIOSK_VERSION } from './kiosk-app';
import { createLogger, LogRing, recentLog } from './log';

describe('recent log ring', () => {
  it('keeps the newest lines up to its capacity, with level names and times', () => {
    const ring = new LogRing(3);
    for (let i = 1; i <= 5; i++) ring.write(JSON.stringify({ level: i === 5 ? 50 : 30, time: Date.UTC(2026, 0, 1), msg: `line ${i}` }));
    expect(ring.recent()).toEqual([
      { time: '2026-01-01T00:00:00.000Z', level: 'info', msg: 'line 3' },
      { time: '2026-01-01T00:00:00.000Z', level: 'info', msg: 'line 4' },
      { time: '2026-01-01T00:00:00.000Z', level: 'error', msg: 'line 5' },
    ]);
    expect(ring.recent(1)).toHaveLength(1);
  });

  it('never shows a secret: fields are redacted by pino and messages are scrubbed', () => {
    const log = createLogger('ring-test', 'info');
    log.info({ pin: '2468', token: 'tok-secret' }, 'called with Bearer abc.def.ghi and pin=2468');
    log.debug('a debug line stays out of the ring');
    const line = recentLog.recent(5).find((l) => l.msg.startsWith('called with'));
    expect(line).toMatchObject({ level: 'info', msg: 'called with Bearer [redacted] and pin=[redacted]' });
    expect(JSON.stringify(recentLog.recent(200))).not.toMatch(/2468|tok-secret|abc\.def|debug line/);
  });

  it('reports the package.json version as the kiosk software version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(KIOSK_VERSION).toBe(pkg.version);
  });
});
