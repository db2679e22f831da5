import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditResponseSchema, CSRF_HEADER, SessionResponseSchema } from '../../../contract/console-api';
import { runOperatorCommand } from '../operator-cli';
import { totpCode } from '../operators/totp';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { BACKENDS, pgliteDataDirCopy } from '../testing/test-db';

/** Issue 17: console accounts, sessions, CSRF, roles, lockout, TOTP and the audit log, on PGlite and Postgres. */
describe.each(BACKENDS)('operator accounts and sessions (%s)', (backend) => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness(backend, { OPERATOR_LOGIN_MAX_FAILURES: '3', OPERATOR_LOCKOUT_SEC: '600', OPERATOR_SESSION_TTL_SEC: '3600' });
  });
  afterAll(() => h.dispose());

  async function add(email: string, role: 'viewer' | 'operator' | 'admin', totp = false) {
    const r = await runOperatorCommand(h.tdb.db, { cmd: 'add', email, role, totp }, h.clock.now());
    if ('error' in r) throw new Error(r.error);
    return r.out as { password: string; totp_secret: string | null };
  }

  async function login(email: string, password: string, totp?: string, url = '/v1/auth/login') {
    return h.app.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, ...(totp ? { totp } : {}) }) });
  }

  /** Logs in and, when the account must change its initial password, changes it; returns the cookie and CSRF token. */
  async function session(email: string, password: string) {
    const res = await login(email, password);
    expect(res.status).toBe(200);
    const cookie = /roluatm_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
    let s = SessionResponseSchema.parse(await res.json());
    const as = (method: string, path: string, body?: unknown, csrf: string | null = s.csrf_token) =>
      h.req(method, path, { body, headers: { cookie: `roluatm_session=${cookie}`, ...(csrf ? { [CSRF_HEADER]: csrf } : {}) } });
    if (s.operator.must_change_password) {
      const changed = await as('POST', '/v1/auth/password', { current: password, next: `${password}-changed!` });
      expect(changed.status).toBe(200);
      s = SessionResponseSchema.parse(await changed.json());
    }
    return { cookie, csrf: s.csrf_token, as };
  }

  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('npm run operator add prints one JSON object with the password and refuses an existing email', async () => {
    const made = await add('first@example.com', 'viewer');
    expect(made.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await runOperatorCommand(h.tdb.db, { cmd: 'add', email: 'FIRST@example.com', role: 'admin', totp: false })).toEqual({
      error: 'an account with email first@example.com exists',
    });
    const listed = await runOperatorCommand(h.tdb.db, { cmd: 'list' });
    expect(listed).toMatchObject({ out: { operators: [{ email: 'first@example.com', role: 'viewer', must_change_password: true }] } });
  });

  it('logs in with a HttpOnly SameSite=Strict cookie (Secure off loopback), asks for a new password first, and logs out', async () => {
    const { password } = await add('new@example.com', 'viewer');
    expect(await code(await login('new@example.com', 'wrong-password'))).toBe('bad_credentials');
    expect(await code(await login('nobody@example.com', password))).toBe('bad_credentials');
    const res = await login('New@Example.com', password);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    const remote = await login('new@example.com', password, undefined, 'http://console.example.com/v1/auth/login');
    expect(remote.headers.get('set-cookie')).toMatch(/Secure/);
    const body = SessionResponseSchema.parse(await res.json());
    expect(body.operator).toMatchObject({ email: 'new@example.com', role: 'viewer', must_change_password: true });
    const cookie = /roluatm_session=([^;]+)/.exec(setCookie)?.[1] ?? '';
    const headers = { cookie: `roluatm_session=${cookie}`, [CSRF_HEADER]: body.csrf_token };
    // Before the password change the fleet is closed to this session.
    const early = await h.req('GET', '/v1/fleet/kiosks', { headers });
    expect([early.status, await code(early)]).toEqual([403, 'password_change_required']);
    const weak = await h.req('POST', '/v1/auth/password', { headers, body: { current: password, next: 'short' } });
    expect(weak.status).toBe(400);
    expect((await h.req('POST', '/v1/auth/password', { headers, body: { current: password, next: 'a-long-new-password' } })).status).toBe(200);
    expect((await h.req('GET', '/v1/fleet/kiosks', { headers })).status).toBe(200);
    expect((await h.req('GET', '/v1/auth/me', { headers })).status).toBe(200);
    expect((await h.req('POST', '/v1/auth/logout', { headers })).status).toBe(200);
    expect((await h.req('GET', '/v1/fleet/kiosks', { headers })).status).toBe(401);
    expect((await h.req('GET', '/v1/auth/me', { headers })).status).toBe(401);
  });

  it('refuses a cookie write without the session CSRF token, a lower role with 403 forbidden_role, and lets the bearer through without CSRF', async () => {
    const viewer = await session('viewer@example.com', (await add('viewer@example.com', 'viewer')).password);
    const operator = await session('op@example.com', (await add('op@example.com', 'operator')).password);
    expect((await viewer.as('GET', '/v1/fleet/attention')).status).toBe(200);
    const refused = await viewer.as('POST', '/v1/fleet/enrollment-codes');
    expect([refused.status, await code(refused)]).toEqual([403, 'forbidden_role']);
    const noCsrf = await operator.as('POST', '/v1/fleet/enrollment-codes', undefined, null);
    expect([noCsrf.status, await code(noCsrf)]).toEqual([403, 'csrf_invalid']);
    const wrongCsrf = await operator.as('POST', '/v1/fleet/enrollment-codes', undefined, viewer.csrf);
    expect([wrongCsrf.status, await code(wrongCsrf)]).toEqual([403, 'csrf_invalid']);
    expect((await operator.as('POST', '/v1/fleet/enrollment-codes')).status).toBe(201);
    const notAdmin = await operator.as('GET', '/v1/fleet/operators');
    expect([notAdmin.status, await code(notAdmin)]).toEqual([403, 'forbidden_role']);
    expect((await h.req('POST', '/v1/fleet/enrollment-codes', { token: OPERATOR_TOKEN })).status).toBe(201);
    expect((await h.req('POST', '/v1/fleet/enrollment-codes', { token: 'not-the-operator-token-at-all' })).status).toBe(401);
    const audit = AuditResponseSchema.parse(await (await viewer.as('GET', '/v1/fleet/audit?limit=500')).json());
    const issued = audit.items.filter((e) => e.action === 'enrollment_code.issue').map((e) => e.actor);
    expect(issued).toEqual(['service:scripts', 'op@example.com']);
  });

  it('locks an account after repeated failures (423 with Retry-After, even with the right password) until the lockout ends', async () => {
    const { password } = await add('lock@example.com', 'viewer');
    for (let i = 0; i < 3; i++) expect((await login('lock@example.com', 'wrong')).status).toBe(401);
    const locked = await login('lock@example.com', password);
    expect([locked.status, await code(locked)]).toEqual([423, 'locked']);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(590);
    h.clock.advance(601_000);
    expect((await login('lock@example.com', password)).status).toBe(200);
  });

  it('asks for the TOTP code, refuses a wrong or replayed one, and accepts the current one', async () => {
    const { password, totp_secret } = await add('totp@example.com', 'admin', true);
    if (!totp_secret) throw new Error('no secret');
    expect(await code(await login('totp@example.com', password))).toBe('totp_required');
    const now = h.clock.now().getTime();
    const right = totpCode(totp_secret, now);
    const wrong = right === '000000' ? '111111' : '000000';
    expect(await code(await login('totp@example.com', password, wrong))).toBe('totp_required');
    expect((await login('totp@example.com', password, right)).status).toBe(200);
    expect(await code(await login('totp@example.com', password, right))).toBe('totp_required');
  });

  it('ends a session at its expiry and a disabled account at once; admins list, reset and disable accounts', async () => {
    const admin = await session('admin@example.com', (await add('admin@example.com', 'admin')).password);
    const target = await session('target@example.com', (await add('target@example.com', 'viewer')).password);
    const reset = await admin.as('POST', '/v1/fleet/operators/target@example.com/reset');
    expect(reset.status).toBe(200);
    expect((await target.as('GET', '/v1/fleet/kiosks')).status).toBe(401);
    const { password } = (await reset.json()) as { password: string };
    const again = await session('target@example.com', password);
    expect((await admin.as('POST', '/v1/fleet/operators/target@example.com/disable')).status).toBe(200);
    expect((await again.as('GET', '/v1/fleet/kiosks')).status).toBe(401);
    expect((await login('target@example.com', `${password}-changed!`)).status).toBe(401);
    expect((await admin.as('POST', '/v1/fleet/operators/ghost@example.com/disable')).status).toBe(404);
    const created = await admin.as('POST', '/v1/fleet/operators', { email: 'later@example.com', role: 'operator' });
    expect(created.status).toBe(201);
    expect((await admin.as('POST', '/v1/fleet/operators', { email: 'later@example.com', role: 'operator' })).status).toBe(409);
    h.clock.advance(3601_000);
    expect((await admin.as('GET', '/v1/fleet/kiosks')).status).toBe(401);
  });

  it('pages the audit log with a keyset cursor', async () => {
    for (let i = 0; i < 3; i++) expect((await h.req('POST', '/v1/fleet/enrollment-codes', { token: OPERATOR_TOKEN })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = AuditResponseSchema.parse(await (await h.req('GET', `/v1/fleet/audit?limit=2${q}`, { token: OPERATOR_TOKEN })).json());
      seen.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(10);
    expect((await h.req('GET', '/v1/fleet/audit?cursor=bogus', { token: OPERATOR_TOKEN })).status).toBe(400);
  });
});

describe('npm run operator (the real CLI on a PGlite folder)', () => {
  it('prints one JSON object with the password and exits 0; an existing email exits non-zero', async () => {
    const dir = await pgliteDataDirCopy();
    const run = (args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'cloud-api/src/operator-cli.ts', ...args], { env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir } });
    try {
      const { stdout } = await run(['add', 'cli@example.com', '--role', 'operator']);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({ email: 'cli@example.com', role: 'operator', password: expect.any(String) });
      await expect(run(['add', 'cli@example.com', '--role', 'operator'])).rejects.toMatchObject({ code: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
