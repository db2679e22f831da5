import { hashSignal } from '@worldcoin/idkit-core/hashing';
import { describe, expect, it } from 'vitest';
import { checkResultAgainstTransaction, parseNullifier } from './check-result';

const TX = '0197a3c2-5b1e-7c3d-9e4f-0123456789ab';
const ACTION = 'roluatm-cash-out';
const NONCE = '0x002eebeb0efe5ea7860701329f7149fcfbfff3f9f772bb367de152b7e3186731';
const NULLIFIER = '0x0011be71aa68465909e2fc93160cfd8cb1266655e59cfdaa9a3687b74a0e7005';
const policy = { acceptLegacy: true, allowStaging: false };
const expected = { transactionId: TX, action: ACTION, nonce: NONCE, policy };

/** Shapes as idkit-core 4.3.0 returns them after processing the phone's reply (see request.test.ts). */
function v4(): Record<string, unknown> {
  return {
    action: ACTION,
    environment: 'production',
    nonce: NONCE,
    protocol_version: '4.0',
    responses: [
      {
        expires_at_min: 1827159310,
        identifier: 'proof_of_human',
        issuer_schema_id: 1,
        nullifier: NULLIFIER,
        proof: ['7301813115869182979698679206242975506', '1532289063752961318', '25509434249366931', '449710916631359990516', '2831183991238620053'],
        signal_hash: hashSignal(TX),
      },
    ],
  };
}
function v3(): Record<string, unknown> {
  return {
    action: ACTION,
    environment: 'production',
    nonce: NONCE,
    protocol_version: '3.0',
    responses: [{ identifier: 'orb', merkle_root: '0x' + '5c'.repeat(32), nullifier: NULLIFIER, proof: '0x' + 'a2'.repeat(256), signal_hash: hashSignal(TX) }],
  };
}
function withItem(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const items = base.responses as Array<Record<string, unknown>>;
  return { ...base, responses: [{ ...items[0], ...patch }] };
}

describe('checkResultAgainstTransaction', () => {
  it('accepts a 4.0 result for this transaction and returns its nullifier as a number', () => {
    expect(checkResultAgainstTransaction(v4(), expected)).toEqual({ ok: true, nullifier: BigInt(NULLIFIER), protocolVersion: '4.0' });
  });

  it('accepts a 3.0 result for this transaction', () => {
    expect(checkResultAgainstTransaction(v3(), expected)).toEqual({ ok: true, nullifier: BigInt(NULLIFIER), protocolVersion: '3.0' });
  });

  it('reads the nil_ form of a 4.0 nullifier as the same number', () => {
    const raw = withItem(v4(), { nullifier: 'nil_' + NULLIFIER.slice(2) });
    expect(checkResultAgainstTransaction(raw, expected)).toMatchObject({ ok: true, nullifier: BigInt(NULLIFIER) });
    expect(parseNullifier('nil_ff')).toBe(255n);
  });

  it('compares nonces without regard to hex letter case', () => {
    expect(checkResultAgainstTransaction(v4(), { ...expected, nonce: NONCE.toUpperCase().replace('0X', '0x') })).toMatchObject({ ok: true });
  });

  const refusals: Array<[string, () => unknown, string, { transactionId?: string; action?: string; nonce?: string }?]> = [
    ['a result made for another transaction', v4, 'signal_mismatch', { transactionId: '0197a3c2-5b1e-7c3d-9e4f-0123456789ac' }],
    ['a 3.0 result made for another transaction', v3, 'signal_mismatch', { transactionId: 'another' }],
    ['a signal hash of the empty signal', () => withItem(v4(), { signal_hash: hashSignal('') }), 'signal_mismatch'],
    ['a signal hash of the raw transaction id bytes', () => withItem(v4(), { signal_hash: '0x' + Buffer.from(TX).toString('hex').slice(0, 64) }), 'signal_mismatch'],
    ['a second response for another transaction', () => ({ ...v4(), responses: [...(v4().responses as unknown[]), { ...(v4().responses as Array<Record<string, unknown>>)[0], signal_hash: hashSignal('x') }] }), 'signal_mismatch'],
    ['another action', () => ({ ...v4(), action: 'other-action' }), 'action_mismatch'],
    ['the action with different case', () => ({ ...v4(), action: ACTION.toUpperCase() }), 'action_mismatch'],
    ['another nonce', () => ({ ...v4(), nonce: '0x' + '0'.repeat(63) + '1' }), 'nonce_invalid'],
    ['an expected nonce of another request', v4, 'nonce_invalid', { nonce: '0x00aa' }],
    ['null', () => null, 'malformed'],
    ['a string', () => 'result', 'malformed'],
    ['an array', () => [v4()], 'malformed'],
    ['an unknown protocol version', () => ({ ...v4(), protocol_version: '5.0' }), 'malformed'],
    ['a missing nonce', () => ({ ...v4(), nonce: undefined }), 'malformed'],
    ['a missing action', () => ({ ...v3(), action: undefined }), 'malformed'],
    ['no responses', () => ({ ...v4(), responses: [] }), 'malformed'],
    ['too many responses', () => ({ ...v4(), responses: Array(5).fill((v4().responses as unknown[])[0]) }), 'malformed'],
    ['a response without nullifier', () => withItem(v4(), { nullifier: undefined }), 'malformed'],
    ['a response without signal_hash', () => withItem(v4(), { signal_hash: undefined }), 'malformed'],
    ['a nullifier that is not hex', () => withItem(v4(), { nullifier: '0xnothex' }), 'malformed'],
    ['a nullifier over 256 bits', () => withItem(v4(), { nullifier: '0x1' + '0'.repeat(64) }), 'malformed'],
    ['a negative-looking nullifier', () => withItem(v4(), { nullifier: '-0x1' }), 'malformed'],
    ['a numeric nullifier', () => withItem(v4(), { nullifier: 12345 }), 'malformed'],
    ['a 4.0 proof with four words', () => withItem(v4(), { proof: ['1', '2', '3', '4'] }), 'malformed'],
    ['a 4.0 proof as one string', () => withItem(v4(), { proof: '0x' + 'ab'.repeat(160) }), 'malformed'],
    ['a 3.0 response in a 4.0 result', () => ({ ...v4(), responses: v3().responses }), 'malformed'],
    ['an extra top-level field', () => ({ ...v4(), is_admin: true }), 'malformed'],
    ['an extra field in a response', () => withItem(v4(), { credential: 'orb' }), 'malformed'],
    ['a __proto__ key', () => JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(v4()).slice(1)}`), 'malformed'],
    ['a huge action', () => ({ ...v4(), action: 'a'.repeat(1_000_000) }), 'malformed'],
    ['a huge proof', () => withItem(v3(), { proof: '0x' + 'ab'.repeat(1_000_000) }), 'malformed'],
    ['a huge proof word', () => withItem(v4(), { proof: ['9'.repeat(100_000), '2', '3', '4', '5'] }), 'malformed'],
    ['an unknown environment', () => ({ ...v4(), environment: 'devnet' }), 'malformed'],
  ];

  for (const [title, make, code, override] of refusals) {
    it(`refuses ${title} with ${code}`, () => {
      const outcome = checkResultAgainstTransaction(make(), { ...expected, ...override });
      expect(outcome).toMatchObject({ ok: false, code });
      if (!outcome.ok) expect(outcome.message).toMatch(/start a new verification/);
    });
  }
});

describe('checkResultAgainstTransaction: credential policy', () => {
  const refusals: Array<[string, () => Record<string, unknown>, string, Partial<typeof policy>?]> = [
    ['a 4.0 passport credential', () => withItem(v4(), { identifier: 'passport', issuer_schema_id: 9303 }), 'credential_not_accepted'],
    ['a 4.0 Selfie Check credential', () => withItem(v4(), { identifier: 'selfie', issuer_schema_id: 11, sybil_score: 2 }), 'credential_not_accepted'],
    ['proof_of_human with the passport issuer', () => withItem(v4(), { issuer_schema_id: 9303 }), 'credential_not_accepted'],
    ['proof_of_human with a sybil_score', () => withItem(v4(), { sybil_score: 0 }), 'credential_not_accepted'],
    ['two Orb items', () => ({ ...v4(), responses: [...(v4().responses as unknown[]), ...(v4().responses as unknown[])] }), 'credential_not_accepted'],
    ['a 3.0 device proof', () => withItem(v3(), { identifier: 'device' }), 'credential_not_accepted'],
    ['a 3.0 document proof', () => withItem(v3(), { identifier: 'document' }), 'credential_not_accepted'],
    ['a 3.0 Orb proof when legacy proofs are off', v3, 'credential_not_accepted', { acceptLegacy: false }],
    ['a staging result without the staging flag', () => ({ ...v4(), environment: 'staging' }), 'environment_not_accepted'],
    ['a sandbox result even with the staging flag', () => ({ ...v4(), environment: 'sandbox' }), 'environment_not_accepted', { allowStaging: true }],
  ];
  for (const [title, make, code, override] of refusals) {
    it(`refuses ${title} with ${code}`, () => {
      expect(checkResultAgainstTransaction(make(), { ...expected, policy: { ...policy, ...override } })).toMatchObject({ ok: false, code });
    });
  }
  it('accepts a staging result with the staging flag', () => {
    expect(checkResultAgainstTransaction({ ...v4(), environment: 'staging' }, { ...expected, policy: { ...policy, allowStaging: true } })).toMatchObject({ ok: true });
  });
});
