import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit';
import { clientIp } from './request-guards';

/** TRUST_PROXY and the limiter's memory bound (issue 14). */
describe('clientIp', () => {
  const ipOf = async (trusted: number, forwarded: string | null, peer = '10.0.0.2') => {
    const app = new Hono().get('/', (c) => c.text(clientIp(c, trusted) ?? 'none'));
    const headers: Record<string, string> = forwarded === null ? {} : { 'x-forwarded-for': forwarded };
    return (await app.request('/', { headers }, { incoming: { socket: { remoteAddress: peer } } })).text();
  };

  it('is the socket peer without trusted proxies, whatever X-Forwarded-For says', async () => {
    expect(await ipOf(0, '198.51.100.7')).toBe('10.0.0.2');
  });

  it('is the right-most address no trusted proxy vouches for, not the first entry a client can forge', async () => {
    // The client sent "1.2.3.4" itself; our one proxy appended the address it saw.
    expect(await ipOf(1, '1.2.3.4, 198.51.100.7')).toBe('198.51.100.7');
    // Two proxies of ours: the first appended the client, the second appended the first.
    expect(await ipOf(2, '1.2.3.4, 198.51.100.7, 10.0.0.1')).toBe('198.51.100.7');
    expect(await ipOf(1, null)).toBe('10.0.0.2');
    expect(await ipOf(3, '198.51.100.7')).toBe('198.51.100.7');
  });
});

describe('createRateLimiter memory bound', () => {
  it('never forgets every bucket at once when flooded with new keys', () => {
    const limiter = createRateLimiter(2, 100);
    const now = 1_000_000;
    expect(limiter.take('busy', now) && limiter.take('busy', now)).toBe(true);
    for (let i = 0; i < 99; i++) limiter.take(`k${i}`, now);
    for (let i = 0; i < 500; i++) limiter.take(`flood${i}`, now);
    expect(limiter.size()).toBeLessThanOrEqual(100);
    expect(limiter.size()).toBeGreaterThanOrEqual(80);
    // The busiest recent keys keep their empty buckets: the newest flood key is still limited.
    expect(limiter.take('flood499', now)).toBe(true);
    expect(limiter.take('flood499', now)).toBe(false);
  });
});
