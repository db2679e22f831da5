import { signRequest } from '@worldcoin/idkit-server';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../contract/clock';
import { RpContextSchema } from '../../../contract/http';
import { checkRpSignature, recoverRpPublicKey, actionFieldHex } from '../../../sim/worldid/rp-signature';
import { createRpContext, generateSigningKeyHex, signingPublicKeyHex } from './rp-context';

const RP_ID = 'rp_1234567890abcdef';
const ACTION = 'roluatm-cash-out';
const asProofRequest = (rp: ReturnType<typeof createRpContext>) => ({ ...rp, action: actionFieldHex(ACTION) });

describe('createRpContext', () => {
  it('takes created_at from the injected clock and adds the ttl', () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0, 999));
    const rp = createRpContext({ rpId: RP_ID, signingKeyHex: generateSigningKeyHex(), action: ACTION, ttlSec: 120 }, clock);
    expect(RpContextSchema.parse(rp)).toEqual(rp);
    expect(rp.created_at).toBe(Date.UTC(2026, 5, 1, 12, 0, 0) / 1000);
    expect(rp.expires_at).toBe(rp.created_at + 120);
    expect(rp.rp_id).toBe(RP_ID);
  });

  it('defaults to a 300 second lifetime', () => {
    const rp = createRpContext({ rpId: RP_ID, signingKeyHex: generateSigningKeyHex(), action: ACTION }, new ManualClock());
    expect(rp.expires_at - rp.created_at).toBe(300);
  });

  it('makes a fresh field-element nonce every time', () => {
    const key = generateSigningKeyHex();
    const clock = new ManualClock();
    const a = createRpContext({ rpId: RP_ID, signingKeyHex: key, action: ACTION }, clock);
    const b = createRpContext({ rpId: RP_ID, signingKeyHex: key, action: ACTION }, clock);
    expect(a.nonce).toMatch(/^0x00[0-9a-f]{62}$/);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it('signs so that the signature recovers to the signing key, exactly as signRequest does', () => {
    const key = generateSigningKeyHex();
    const ours = createRpContext({ rpId: RP_ID, signingKeyHex: key, action: ACTION }, new ManualClock());
    const lib = signRequest({ signingKeyHex: key, action: ACTION });
    const theirs = { rp_id: RP_ID, nonce: lib.nonce, created_at: lib.createdAt, expires_at: lib.expiresAt, signature: lib.sig };
    expect(ours.signature).toMatch(/^0x[0-9a-f]{128}(1b|1c)$/);
    expect(recoverRpPublicKey(asProofRequest(ours), ACTION)).toBe(signingPublicKeyHex(key));
    expect(recoverRpPublicKey(asProofRequest(theirs), ACTION)).toBe(signingPublicKeyHex(key));
  });

  it('binds the action, the timestamps and the nonce into the signature', () => {
    const key = generateSigningKeyHex();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const rp = createRpContext({ rpId: RP_ID, signingKeyHex: key, action: ACTION }, clock);
    const keys = { [RP_ID]: signingPublicKeyHex(key) };
    const now = rp.created_at + 1;
    expect(checkRpSignature(asProofRequest(rp), ACTION, now, keys)).toBeNull();
    expect(checkRpSignature({ ...asProofRequest(rp), expires_at: rp.expires_at + 600 }, ACTION, now, keys)).toBe('invalid_rp_signature');
    expect(checkRpSignature({ ...asProofRequest(rp), nonce: '0x' + '0'.repeat(63) + '1' }, ACTION, now, keys)).toBe('invalid_rp_signature');
    expect(checkRpSignature({ ...rp, action: actionFieldHex('other') }, 'other', now, keys)).toBe('invalid_rp_signature');
    expect(checkRpSignature(asProofRequest(rp), ACTION, rp.expires_at + 1, keys)).toBe('rp_signature_expired');
    expect(checkRpSignature(asProofRequest(rp), ACTION, now, { rp_other: keys[RP_ID] ?? '' })).toBe('unknown_rp');
  });

  it('refuses a signing key that is not 32 bytes of hex, and an rp id idkit-core would refuse', () => {
    const clock = new ManualClock();
    for (const signingKeyHex of ['', 'zz'.repeat(32), 'ab'.repeat(31), 'ab'.repeat(33)]) {
      expect(() => createRpContext({ rpId: RP_ID, signingKeyHex, action: ACTION }, clock)).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    }
    for (const rpId of ['rp_roluatm_demo', 'app_1234', 'rp_', 'rp_0123456789abcdef0']) {
      expect(() => createRpContext({ rpId, signingKeyHex: generateSigningKeyHex(), action: ACTION }, clock)).toThrow(/rp id/);
    }
  });

  it('accepts a 0x-prefixed signing key', () => {
    const key = generateSigningKeyHex();
    const rp = createRpContext({ rpId: RP_ID, signingKeyHex: `0x${key}`, action: ACTION }, new ManualClock());
    expect(recoverRpPublicKey(asProofRequest(rp), ACTION)).toBe(signingPublicKeyHex(key));
  });
});
