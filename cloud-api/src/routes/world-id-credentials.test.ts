import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from '../../../sim/worldid/portal';
import { changedTables, checksum } from '../testing/db-checksum';
import { createTransaction, jobsOf, postWorldId } from '../testing/flows';
import { createHarness, type Harness } from '../testing/harness';
import { BACKENDS } from '../testing/test-db';
import { fakeWorldIdResult, type FakeResultOptions } from '../testing/world-id-result';

/**
 * Who counts as a unique human (issue 14, docs/SECURITY.md "Credentials"): only one Orb credential in
 * a production result. Every other credential is refused with 422, no job, and no table changed but the
 * refusal's audit event (testing/db-checksum.ts).
 */
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
type Variant = Omit<FakeResultOptions, 'signal' | 'action' | 'nonce'>;

describe.each(BACKENDS)('World ID credential policy (%s)', (backend) => {
  let portal: FakePortal;
  let h: Harness;
  let strict: Harness;
  let kiosk: { token: string };
  let strictKiosk: { token: string };

  beforeAll(async () => {
    portal = await startFakePortal();
    h = await createHarness(backend, { DEV_PORTAL_BASE_URL: portal.url });
    kiosk = await h.enrollKiosk('cred');
    // Production settings: a production app id, no staging flag, legacy 3.0 proofs dropped.
    strict = await createHarness(backend, {
      DEV_PORTAL_BASE_URL: portal.url,
      WORLD_ID_APP_ID: 'app_0123456789abcdef',
      WORLD_ID_ALLOW_STAGING: '0',
      WORLD_ID_ACCEPT_LEGACY: '0',
    });
    strictKiosk = await strict.enrollKiosk('strict');
  });
  afterAll(async () => {
    await h.dispose();
    await strict.dispose();
    await portal.close();
  });

  async function refused(target: Harness, token: string, variant: Variant | ((r: Record<string, unknown>) => Record<string, unknown>), code: string) {
    const tx = await createTransaction(target, token);
    const make = (v: Variant) => fakeWorldIdResult({ signal: tx.transaction.id, action: tx.world_id.action, nonce: tx.rp_context.nonce, identity: 'dana', ...v });
    const result = typeof variant === 'function' ? variant(make({})) : make(variant);
    const before = await checksum(target.tdb.db);
    const res = await postWorldId(target, token, tx.transaction.id, result);
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe(code);
    expect(await jobsOf(target, tx.transaction.id)).toEqual([]);
    expect(changedTables(before, await checksum(target.tdb.db))).toEqual([]);
    return error;
  }

  const notOrb: Array<[string, Variant]> = [
    ['a 4.0 passport credential', { credential: 'passport' }],
    ['a 4.0 MNC credential', { credential: 'mnc' }],
    ['a 4.0 Selfie Check credential (sybil_score)', { credential: 'selfie' }],
    ['a 3.0 device proof', { protocol: '3.0', level: 'device' }],
    ['a 3.0 document proof', { protocol: '3.0', level: 'document' }],
    ['a 3.0 secure document proof', { protocol: '3.0', level: 'secure_document' }],
    ['a 3.0 selfie proof', { protocol: '3.0', level: 'selfie' }],
  ];
  for (const [what, variant] of notOrb) {
    it(`refuses ${what} with credential_not_accepted and says how to get Orb-verified`, async () => {
      const error = await refused(h, kiosk.token, variant, 'credential_not_accepted');
      expect(error.message).toMatch(/Orb/);
    });
  }

  it('refuses proof_of_human with another issuer schema id, or with a sybil_score', async () => {
    const item = (r: Record<string, unknown>) => (r.responses as Array<Record<string, unknown>>)[0] ?? {};
    await refused(h, kiosk.token, (r) => ({ ...r, responses: [{ ...item(r), issuer_schema_id: 9303 }] }), 'credential_not_accepted');
    await refused(h, kiosk.token, (r) => ({ ...r, responses: [{ ...item(r), sybil_score: 0 }] }), 'credential_not_accepted');
  });

  it('refuses a result with two credentials, even two Orb items', async () => {
    await refused(h, kiosk.token, (r) => ({ ...r, responses: [...(r.responses as unknown[]), ...(r.responses as unknown[])] }), 'credential_not_accepted');
  });

  it('accepts a 3.0 Orb proof and a 4.0 Orb proof', async () => {
    for (const variant of [{ protocol: '3.0' as const }, {}]) {
      const tx = await createTransaction(h, kiosk.token);
      const result = fakeWorldIdResult({ signal: tx.transaction.id, action: tx.world_id.action, nonce: tx.rp_context.nonce, identity: 'erin', ...variant });
      expect((await postWorldId(h, kiosk.token, tx.transaction.id, result)).status).toBe(200);
    }
  });

  it('counts only a nullifier the portal says it verified', async () => {
    portal.setMode('unverified_item');
    try {
      await refused(h, kiosk.token, {}, 'proof_invalid');
    } finally {
      portal.setMode('ok');
    }
  });

  it('without WORLD_ID_ALLOW_STAGING refuses a staging or sandbox result and accepts production', async () => {
    await refused(strict, strictKiosk.token, { environment: 'staging' }, 'environment_not_accepted');
    await refused(strict, strictKiosk.token, { environment: 'sandbox' }, 'environment_not_accepted');
    const tx = await createTransaction(strict, strictKiosk.token);
    const ok = fakeWorldIdResult({ signal: tx.transaction.id, action: tx.world_id.action, nonce: tx.rp_context.nonce, identity: 'fay' });
    expect((await postWorldId(strict, strictKiosk.token, tx.transaction.id, ok)).status).toBe(200);
  });

  it('with WORLD_ID_ALLOW_STAGING=1 accepts a staging result', async () => {
    const tx = await createTransaction(h, kiosk.token);
    const result = fakeWorldIdResult({ signal: tx.transaction.id, action: tx.world_id.action, nonce: tx.rp_context.nonce, identity: 'gus', environment: 'staging' });
    expect((await postWorldId(h, kiosk.token, tx.transaction.id, result)).status).toBe(200);
  });

  it('with WORLD_ID_ACCEPT_LEGACY=0 refuses a 3.0 Orb proof and says to update World App', async () => {
    const error = await refused(strict, strictKiosk.token, { protocol: '3.0' }, 'credential_not_accepted');
    expect(error.message).toMatch(/update World App/);
  });
});
