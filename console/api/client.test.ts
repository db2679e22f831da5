import { describe, expect, it } from 'vitest';
import { KioskConfigResponseSchema } from '../../contract/console-api';
import { operator } from '../test-support/fixtures';
import { ApiError, createConsoleApi, describeError, queryString } from './client';
import { FleetKioskListResponseSchema } from './schemas';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A fetch that records each call and answers from a queue. */
function fakeFetch(answers: Array<{ status: number; body: unknown }>) {
  const calls: Call[] = [];
  const f = async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), method: init?.method ?? 'GET', headers: { ...(init?.headers as Record<string, string>) }, body: init?.body as string | undefined });
    const a = answers.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
  };
  return { calls, fetch: f as typeof fetch };
}
const session = { operator: operator('operator'), csrf_token: 'csrf-123', expires_at: '2026-12-03T00:00:00.000Z' };
const config = { kiosk_id: '01900000-0000-7000-8000-000000000001', config: { desired_version: 2, desired: { in_service: false, reason: 'x', overrides: {} }, applied_version: 1, applied_at: null } };

describe('console API client (issue 17)', () => {
  it('sends the session CSRF token on writes after login, never on reads, and parses answers', async () => {
    const f = fakeFetch([
      { status: 200, body: session },
      { status: 200, body: { items: [], next_cursor: null, payment_mode: 'none', world_id_staging: false } },
      { status: 200, body: config },
    ]);
    const api = createConsoleApi({ fetch: f.fetch });
    const s = await api.login('Operator@example.com', 'pw');
    expect(s.operator.role).toBe('operator');
    expect(JSON.parse(f.calls[0]!.body!)).toEqual({ email: 'Operator@example.com', password: 'pw' });
    await api.get('/v1/fleet/kiosks', FleetKioskListResponseSchema, { limit: 500, cursor: undefined });
    expect(f.calls[1]!.url).toBe('/v1/fleet/kiosks?limit=500');
    expect(f.calls[1]!.headers['X-CSRF-Token']).toBeUndefined();
    await api.send('POST', '/v1/fleet/kiosks/k/service', KioskConfigResponseSchema, { in_service: false });
    expect(f.calls[2]!.headers['X-CSRF-Token']).toBe('csrf-123');
    expect(f.calls[2]!.headers['content-type']).toBe('application/json');
  });

  it('sends the TOTP code only when given', async () => {
    const f = fakeFetch([{ status: 200, body: session }]);
    await createConsoleApi({ fetch: f.fetch }).login('a@b.co', 'pw', '123456');
    expect(JSON.parse(f.calls[0]!.body!)).toEqual({ email: 'a@b.co', password: 'pw', totp: '123456' });
  });

  it("turns the cloud's error answer into an ApiError with its code, and words for the operator", async () => {
    const f = fakeFetch([{ status: 401, body: { error: { code: 'totp_required', message: 'second factor' } } }, { status: 403, body: { error: { code: 'forbidden_role', message: 'needs operator' } } }]);
    const api = createConsoleApi({ fetch: f.fetch });
    const e1 = await api.login('a@b.co', 'pw').catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ApiError);
    expect((e1 as ApiError).code).toBe('totp_required');
    const e2 = await api.send('POST', '/v1/fleet/credits/x/settle', KioskConfigResponseSchema, {}).catch((e: unknown) => e);
    expect((e2 as ApiError).status).toBe(403);
    expect(describeError(e2)).toBe('Your role does not allow this.');
    expect(describeError(new ApiError(500, 'internal', 'boom'))).toBe('boom (internal)');
  });

  it('me() is null without a session; a 401 on a page request reports the session ended', async () => {
    const f = fakeFetch([
      { status: 401, body: { error: { code: 'unauthorized', message: 'no session' } } },
      { status: 401, body: { error: { code: 'unauthorized', message: 'expired' } } },
    ]);
    const api = createConsoleApi({ fetch: f.fetch });
    let ended = 0;
    api.onUnauthorized(() => ended++);
    expect(await api.me()).toBeNull();
    expect(ended).toBe(0);
    await expect(api.get('/v1/fleet/kiosks', FleetKioskListResponseSchema)).rejects.toBeInstanceOf(ApiError);
    expect(ended).toBe(1);
  });

  it('an answer in the wrong shape is refused, not shown', async () => {
    const f = fakeFetch([{ status: 200, body: { items: 'nope' } }]);
    await expect(createConsoleApi({ fetch: f.fetch }).get('/v1/fleet/kiosks', FleetKioskListResponseSchema)).rejects.toThrow();
  });

  it('queryString leaves out empty filters', () => {
    expect(queryString({ a: '1', b: '', c: undefined, d: null, e: 0 })).toBe('?a=1&e=0');
    expect(queryString({})).toBe('');
  });
});
