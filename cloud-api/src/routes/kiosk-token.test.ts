import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { changedTables, checksum } from '../testing/db-checksum';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';
import { sha256Hex } from '../secrets';

/**
 * POST /v1/kiosks/token (issue 14; docs/SECURITY.md "Kiosk token rotation"): the kiosk replaces its
 * token; the old one works for KIOSK_TOKEN_GRACE_SEC, then 401; a repeat is 200 and changes nothing;
 * bad input is a 4xx with its code and changes no table. The kiosk side: test/sync/token-rotation.test.ts.
 */
const GRACE_SEC = 120;

describe.each(BACKENDS)('kiosk token rotation (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(backend, { KIOSK_TOKEN_GRACE_SEC: String(GRACE_SEC) });
  });
  afterAll(async () => {
    await h.dispose();
  });

  const newToken = () => randomBytes(32).toString('base64url');
  const rotate = (bearer: string | undefined, body: unknown) => h.req('POST', '/v1/kiosks/token', { ...(bearer ? { token: bearer } : {}), body });
  /** A kiosk-authenticated call (a job poll that does not wait): 204 when the token is accepted. */
  const authStatus = async (token: string) => (await h.req('GET', '/v1/jobs/next?wait=0', { token })).status;

  it('rotates: the new token works, the old one only for the grace period, and only hashes are stored', async () => {
    const k = await h.enrollKiosk('rotate');
    const next = newToken();
    const res = await rotate(k.token, { new_token: next });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ previous_token_valid_until: new Date(h.clock.now().getTime() + GRACE_SEC * 1000).toISOString() });
    const { rows } = await h.tdb.db.query<{ token_hash: string; previous_token_hash: string }>('SELECT token_hash, previous_token_hash FROM kiosks WHERE id = $1', [k.kioskId]);
    expect(rows[0]).toEqual({ token_hash: sha256Hex(next), previous_token_hash: sha256Hex(k.token) });
    expect(await authStatus(next)).toBe(204);
    expect(await authStatus(k.token)).toBe(204);
    h.clock.advance(GRACE_SEC * 1000 - 1000);
    expect(await authStatus(k.token)).toBe(204);
    h.clock.advance(1000);
    expect(await authStatus(k.token)).toBe(401);
    expect(await authStatus(next)).toBe(204);
  });

  it('answers a repeat (with the old token in its grace period, or the new one) with 200 and changes nothing', async () => {
    const k = await h.enrollKiosk('repeat');
    const next = newToken();
    expect((await rotate(k.token, { new_token: next })).status).toBe(200);
    const before = await checksum(h.tdb.db);
    for (const bearer of [k.token, next]) {
      const again = await rotate(bearer, { new_token: next });
      expect(again.status).toBe(200);
    }
    expect(changedTables(before, await checksum(h.tdb.db))).toEqual([]);
  });

  it('refuses bad rotations with their code and changes no table', async () => {
    const k = await h.enrollKiosk('bad');
    const other = await h.enrollKiosk('other');
    const next = newToken();
    expect((await rotate(k.token, { new_token: next })).status).toBe(200);
    const revoked = await h.enrollKiosk('revoked');
    expect((await h.req('POST', `/v1/fleet/kiosks/${revoked.kioskId}/revoke`, { token: OPERATOR_TOKEN, body: {} })).status).toBe(200);
    const before = await checksum(h.tdb.db);
    const cases: Array<[string, string | undefined, unknown, number, string]> = [
      ['no token', undefined, { new_token: newToken() }, 401, 'unauthorized'],
      ['an unknown token', newToken(), { new_token: newToken() }, 401, 'unauthorized'],
      ['a revoked kiosk', revoked.token, { new_token: newToken() }, 401, 'unauthorized'],
      ['a short token', next, { new_token: 'short' }, 400, 'malformed'],
      ['characters a token never has', next, { new_token: `${'a'.repeat(42)}/` }, 400, 'malformed'],
      ['an unknown field', next, { new_token: newToken(), kiosk_id: other.kioskId }, 400, 'malformed'],
      ['the replaced token starting another rotation', k.token, { new_token: newToken() }, 409, 'conflict'],
      ["another kiosk's token", next, { new_token: other.token }, 409, 'conflict'],
    ];
    for (const [what, bearer, body, status, code] of cases) {
      const res = await rotate(bearer, body);
      expect({ what, status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code }).toEqual({ what, status, code });
    }
    expect(changedTables(before, await checksum(h.tdb.db))).toEqual([]);
    expect(await authStatus(other.token)).toBe(204);
  });
});
