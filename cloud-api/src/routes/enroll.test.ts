import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobKeyId } from '../../../contract/job';
import { createHarness, OPERATOR_TOKEN, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';

describe.each(BACKENDS)('enrolment and request handling (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(backend);
  });
  afterAll(() => h.dispose());

  const newCode = async () => {
    const res = await h.req('POST', '/v1/fleet/enrollment-codes', { token: OPERATOR_TOKEN });
    expect(res.status).toBe(201);
    return (await res.json()) as { code: string; expires_at: string };
  };

  it('answers healthz when the database answers', async () => {
    const res = await h.req('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('refuses enrolment codes without the operator token', async () => {
    expect((await h.req('POST', '/v1/fleet/enrollment-codes')).status).toBe(401);
    const bad = await h.req('POST', '/v1/fleet/enrollment-codes', { token: 'wrong-token-wrong-token' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('issues a code valid for 24 hours and enrols a kiosk with a token and the job public key', async () => {
    const { code, expires_at } = await newCode();
    expect(new Date(expires_at).getTime() - h.clock.now().getTime()).toBe(24 * 3600 * 1000);
    const res = await h.req('POST', '/v1/kiosks/enroll', { body: { code, name: 'Lobby' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { kiosk_id: string; token: string; job_public_key: string; job_public_keys: unknown; amount_policy: unknown };
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The cloud's limits and fee go to the kiosk with its token: its screen shows what the cloud charges.
    expect(body.amount_policy).toEqual({ min_cents: 100, max_cents: 5000, fee: { flat_cents: 0, bps: 0 }, payment_mode: 'none', day_time_zone: 'UTC' });
    expect(body.job_public_key.length).toBeGreaterThan(40);
    // Every key the kiosk accepts, by key id (docs/SECURITY.md "Job-key rotation"): here only the signing key.
    expect(body.job_public_keys).toEqual([{ kid: jobKeyId(body.job_public_key), public_key: body.job_public_key }]);
    const stored = await h.tdb.db.query<{ token_hash: string }>('SELECT token_hash FROM kiosks WHERE id = $1', [body.kiosk_id]);
    expect(stored.rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0]?.token_hash).not.toContain(body.token);
  });

  it('accepts a code only once', async () => {
    const { code } = await newCode();
    expect((await h.req('POST', '/v1/kiosks/enroll', { body: { code, name: 'A' } })).status).toBe(201);
    const again = await h.req('POST', '/v1/kiosks/enroll', { body: { code, name: 'B' } });
    expect(again.status).toBe(422);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('enrollment_code_invalid');
  });

  it('refuses an expired code and an unknown one', async () => {
    const { code } = await newCode();
    h.clock.advance(24 * 3600 * 1000 + 1);
    expect((await h.req('POST', '/v1/kiosks/enroll', { body: { code, name: 'late' } })).status).toBe(422);
    expect((await h.req('POST', '/v1/kiosks/enroll', { body: { code: 'NOPE-NOPE-NOPE', name: 'x' } })).status).toBe(422);
  });

  it('answers 400 for a malformed body, unknown fields and a non-JSON content type', async () => {
    const { code } = await newCode();
    const bad = await h.req('POST', '/v1/kiosks/enroll', { raw: '{"code":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('malformed');
    expect((await h.req('POST', '/v1/kiosks/enroll', { body: { code, name: 'x', extra: 1 } })).status).toBe(400);
    const text = await h.req('POST', '/v1/kiosks/enroll', { raw: JSON.stringify({ code, name: 'x' }), headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const res = await h.req('POST', '/v1/kiosks/enroll', { body: { code: 'x'.repeat(70_000), name: 'x' } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  });

  it('refuses kiosk routes with no token, a wrong token or a revoked kiosk', async () => {
    const k = await h.enrollKiosk('revoked');
    const body = { events: [] };
    expect((await h.req('POST', '/v1/sync', { body })).status).toBe(401);
    expect((await h.req('POST', '/v1/sync', { body, token: 'not-a-kiosk-token' })).status).toBe(401);
    await h.tdb.db.query('UPDATE kiosks SET revoked_at = now() WHERE id = $1', [k.kioskId]);
    expect((await h.req('GET', '/v1/jobs/next?wait=0', { token: k.token })).status).toBe(401);
  });

  it('marks a kiosk seen when it authenticates, writing last_seen_at at most once per LAST_SEEN_WRITE_SEC (issue 18)', async () => {
    const k = await h.enrollKiosk('seen');
    const seen = async () =>
      (await h.tdb.db.query<{ last_seen_at: Date | null }>('SELECT last_seen_at FROM kiosks WHERE id = $1', [k.kioskId])).rows[0]?.last_seen_at;
    // xmin changes whenever a new row version is written, even one with equal values.
    const version = async () => (await h.tdb.db.query<{ v: string }>('SELECT xmin::text AS v FROM kiosks WHERE id = $1', [k.kioskId])).rows[0]?.v;
    await h.req('GET', '/v1/jobs/next?wait=0', { token: k.token });
    const first = await seen();
    expect(first).not.toBeNull();
    h.clock.advance((h.config.LAST_SEEN_WRITE_SEC - 1) * 1000);
    const before = await version();
    for (let i = 0; i < 5; i++) expect((await h.req('GET', '/v1/jobs/next?wait=0', { token: k.token })).status).toBe(204);
    expect(await seen()).toEqual(first);
    expect(await version()).toBe(before); // no row version written at all
    h.clock.advance(1000);
    await h.req('GET', '/v1/jobs/next?wait=0', { token: k.token });
    expect((await seen())?.getTime()).toBe(first!.getTime() + h.config.LAST_SEEN_WRITE_SEC * 1000);
  });
});
