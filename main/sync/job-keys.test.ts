import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../contract/clock';
import { canonicalJobBytes, jobKeyId, verifyJobWithKeys, type SignedJob, type UnsignedJob } from '../../contract/job';
import { saveEnrollment } from '../db/kiosk-state';
import { openKioskDb, type KioskDb } from '../db/open-db';
import { silent } from '../../test/support/real-cloud';
import { createJobKeyRing } from './job-keys';

/** The kiosk's set of accepted job keys (docs/SECURITY.md "Job-key rotation"); the walk is test/sync/job-key-rotation.test.ts. */
const key = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { privateKey, pub, kid: jobKeyId(pub)! };
};
const job: UnsignedJob = { id: newId(), transaction_id: newId(), kiosk_id: newId(), coins: 4, expires_at: new Date(Date.now() + 60_000).toISOString() };
const signed = (k: ReturnType<typeof key>, kid?: string): SignedJob => ({
  ...job, ...(kid === undefined ? {} : { kid }), signature: sign(null, canonicalJobBytes(job), k.privateKey).toString('base64'),
});

let dir: string;
let db: KioskDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'job-keys-'));
  db = openKioskDb(join(dir, 'kiosk.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('job-key ring', () => {
  it('accepts the enrolment key until the cloud announces a set, then exactly that set plus the pinned keys', () => {
    const [a, b, pinned] = [key(), key(), key()];
    const ring = createJobKeyRing({ db, log: silent, pinned: [{ kid: pinned.kid, public_key: pinned.pub }] });
    expect(ring.accepted().map((k) => k.kid)).toEqual([pinned.kid]);
    saveEnrollment(db, { kiosk_id: newId(), token: 'x'.repeat(43), job_public_key: a.pub });
    expect(ring.accepted().map((k) => k.kid)).toEqual([a.kid, pinned.kid]);
    expect(ring.announce([{ kid: b.kid, public_key: b.pub }])).toBe(true);
    expect(ring.announce([{ kid: b.kid, public_key: b.pub }])).toBe(false);
    expect(ring.accepted().map((k) => k.kid)).toEqual([b.kid, pinned.kid]);
  });
});

describe('verifyJobWithKeys', () => {
  it('checks a job with the key its kid names; an unknown kid is job_key_unknown; no kid tries every key', async () => {
    const [a, b] = [key(), key()];
    const keys = [{ kid: a.kid, public_key: a.pub }];
    expect(await verifyJobWithKeys(signed(a, a.kid), keys)).toEqual({ ok: true, kid: a.kid });
    expect(await verifyJobWithKeys(signed(b, b.kid), keys)).toEqual({ ok: false, code: 'job_key_unknown' });
    expect(await verifyJobWithKeys(signed(b, a.kid), keys)).toEqual({ ok: false, code: 'job_signature_invalid' });
    expect(await verifyJobWithKeys(signed(a), keys)).toEqual({ ok: true, kid: null });
    expect(await verifyJobWithKeys(signed(b), keys)).toEqual({ ok: false, code: 'job_signature_invalid' });
    expect(await verifyJobWithKeys(signed(a, a.kid), [])).toEqual({ ok: false, code: 'job_key_unknown' });
  });
});
