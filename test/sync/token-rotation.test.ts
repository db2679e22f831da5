import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../contract/clock';
import { getEnrollment, getPendingToken, saveEnrollment, savePendingToken } from '../../main/db/kiosk-state';
import { createCloudClient } from '../../main/sync/cloud-client';
import { rotateKioskToken } from '../../main/sync/token-rotation';
import { silent, startRealCloud, type RealCloud, type TestKiosk } from '../support/real-cloud';

/**
 * The kiosk rotates its token (main/sync/token-rotation.ts; docs/SECURITY.md "Kiosk token rotation")
 * against the REAL cloud through the test proxy: the new token is stored before the cloud is asked and
 * becomes the enrolment's token in one SQLite transaction; an answer lost after the cloud committed (the
 * same state a crash between the two steps leaves) is finished on the next try, within the grace period
 * with the old token and after it with the new one. The cloud's side: cloud-api/src/routes/kiosk-token.test.ts.
 */
const GRACE_SEC = 300;
const clock = new ManualClock(Date.now());
let rc: RealCloud;
let k: TestKiosk;

beforeAll(async () => {
  rc = await startRealCloud('pglite', { clock, env: { KIOSK_TOKEN_GRACE_SEC: String(GRACE_SEC) } });
});
afterAll(async () => {
  await rc.close();
});
beforeEach(async () => {
  k = await rc.kiosk('rotation');
  saveEnrollment(k.db, { kiosk_id: k.id, token: k.token, job_public_key: k.jobPublicKey });
});
afterEach(() => {
  rc.proxy.hooks = {};
  rc.proxy.clearFaults();
});

/** A fresh process: a new client through the proxy, nothing in memory but what SQLite holds. */
const restart = () => ({ db: k.db, log: silent, client: createCloudClient({ baseUrl: rc.proxy.url, token: () => getEnrollment(k.db)?.token ?? null, timeoutMs: 2000 }) });
const accepted = async (token: string) => (await fetch(`${rc.cloud.url}/v1/jobs/next?wait=0`, { headers: { authorization: `Bearer ${token}` } })).status !== 401;
const LOSE_ROTATION_ANSWER = { rules: [{ match: 'POST /v1/kiosks/token', fault: { kind: 'lose_response' as const }, times: 1 }] };

describe('kiosk token rotation (kiosk side)', () => {
  it('replaces the stored token with one the cloud accepts; the old one works until the grace period ends', async () => {
    const r = await rotateKioskToken(restart());
    expect(r.kind).toBe('rotated');
    const token = getEnrollment(k.db)!.token;
    expect(token).not.toBe(k.token);
    expect(getPendingToken(k.db)).toBeNull();
    expect(await accepted(token)).toBe(true);
    expect(await accepted(k.token)).toBe(true);
    clock.advance(GRACE_SEC * 1000);
    expect(await accepted(k.token)).toBe(false);
  });

  it('finishes a rotation whose answer was lost after the cloud took it, with the old token in its grace period', async () => {
    rc.proxy.setFaults(LOSE_ROTATION_ANSWER);
    const lost = await rotateKioskToken(restart());
    expect(lost).toMatchObject({ kind: 'failed', code: 'offline' });
    const pending = getPendingToken(k.db);
    expect(pending).not.toBeNull();
    expect(getEnrollment(k.db)?.token).toBe(k.token); // nothing promoted yet…
    expect(await accepted(pending!)).toBe(true); // …but the cloud already took the new token
    const resumed = await rotateKioskToken(restart());
    expect(resumed.kind).toBe('rotated');
    expect(getEnrollment(k.db)?.token).toBe(pending);
    expect(getPendingToken(k.db)).toBeNull();
  });

  it('finishes it after the grace period too: the old token is refused, the stored new one is used', async () => {
    rc.proxy.setFaults(LOSE_ROTATION_ANSWER);
    expect((await rotateKioskToken(restart())).kind).toBe('failed');
    const pending = getPendingToken(k.db)!;
    clock.advance((GRACE_SEC + 1) * 1000); // the kiosk was off longer than the grace period
    expect(await accepted(k.token)).toBe(false);
    const resumed = await rotateKioskToken(restart());
    expect(resumed.kind).toBe('rotated');
    expect(getEnrollment(k.db)?.token).toBe(pending);
    expect(await accepted(pending)).toBe(true);
  });

  it('reuses a new token stored before a crash that came before the cloud heard of it', async () => {
    const stored = 'p'.repeat(43);
    savePendingToken(k.db, stored); // the crash: stored, never sent
    expect(await accepted(stored)).toBe(false);
    expect((await rotateKioskToken(restart())).kind).toBe('rotated');
    expect(getEnrollment(k.db)?.token).toBe(stored);
    expect(await accepted(stored)).toBe(true);
  });

  it('keeps the pending token and the old one when the cloud cannot be reached', async () => {
    rc.proxy.setFaults({ rules: [{ match: 'POST /v1/kiosks/token', fault: { kind: 'respond_5xx', status: 503 }, times: 1 }] });
    expect(await rotateKioskToken(restart())).toMatchObject({ kind: 'failed' });
    expect(getEnrollment(k.db)?.token).toBe(k.token);
    expect(await accepted(k.token)).toBe(true);
    const pending = getPendingToken(k.db);
    expect((await rotateKioskToken(restart())).kind).toBe('rotated');
    expect(getEnrollment(k.db)?.token).toBe(pending);
  });
});
