import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
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
    expect(JSON.stringify(recentLog.recent(200))).not.toMatch(/(?<![\w-])2468(?![\w-])|tok-secret|abc\.def|debug line/);
  });

  it('reports the package.json version as the kiosk software version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(KIOSK_VERSION).toBe(pkg.version);
  });

  it('keeps an error\'s reason code readable while secrets stay masked', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) });
    const log = createLogger('code-test', 'info', sink as unknown as Parameters<typeof createLogger>[2]);
    const err = Object.assign(new Error('the cloud refused the proof'), { code: 'nonce_invalid' });
    log.error({ code: 'limit_reached', err, token: 'tok-secret-1', pin: '2468', enrollment_code: 'ABCD-EFGH-JKMN', headers: { authorization: 'Bearer abc' } }, 'cash-out refused');
    await new Promise((r) => setImmediate(r));
    const entry = JSON.parse(lines.find((l) => l.includes('cash-out refused')) ?? '{}') as Record<string, unknown> & { err: { code: string } };
    expect(entry.code).toBe('limit_reached');
    expect(entry.err.code).toBe('nonce_invalid');
    expect(entry).toMatchObject({ token: '[redacted]', pin: '[redacted]', enrollment_code: '[redacted]', headers: { authorization: '[redacted]' } });
    expect(lines.join('')).not.toMatch(/tok-secret-1|(?<![\w-])2468(?![\w-])|ABCD-EFGH|Bearer abc/);
    expect(recentLog.recent(5).find((l) => l.msg.startsWith('cash-out refused'))?.msg).toBe('cash-out refused (the cloud refused the proof) [limit_reached]');
  });
});
