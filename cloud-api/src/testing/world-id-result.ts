import { hashSignal } from '@worldcoin/idkit-core/hashing';
import { credentialNullifierHex, fakeProofHex, V3_PROOF_BYTES, V4_PROOF_BYTES } from '../../../sim/worldid/fake-proof';

/**
 * Credentials as idkit-core 4.3.0 hands them to the kiosk (cloud-api/src/worldid/credential-policy.ts):
 * 4.0 items carry identifier + issuer_schema_id (Selfie Check also sybil_score); 3.0 items carry World
 * App's verification level as their identifier.
 */
export const V4_CREDENTIALS = {
  orb: { identifier: 'proof_of_human', issuer_schema_id: 1 },
  passport: { identifier: 'passport', issuer_schema_id: 9303 },
  mnc: { identifier: 'mnc', issuer_schema_id: 9310 },
  selfie: { identifier: 'selfie', issuer_schema_id: 11, sybil_score: 3 },
} as const;
export const V3_LEVELS = ['orb', 'device', 'document', 'secure_document', 'selfie'] as const;

export interface FakeResultOptions {
  signal: string;
  action: string;
  nonce: string;
  identity?: string;
  /** '4.0' (default) or a legacy '3.0' result. */
  protocol?: '3.0' | '4.0';
  /** 4.0: which credential (default orb). */
  credential?: keyof typeof V4_CREDENTIALS;
  /** 3.0: World App's verification level (default orb). */
  level?: (typeof V3_LEVELS)[number];
  environment?: 'production' | 'staging' | 'sandbox';
}

/**
 * An IDKit result as the simulated phone makes it (sim/worldid/phone.ts), built directly so route tests
 * can vary one field at a time. The fake portal accepts it exactly when the phone would have; the
 * nullifier depends on the person, the action and the credential (as World ID's does).
 */
export function fakeWorldIdResult(o: FakeResultOptions): Record<string, unknown> {
  const identity = o.identity ?? 'person-1';
  const signalHash = hashSignal(o.signal);
  const base = { nonce: o.nonce, action: o.action, environment: o.environment ?? 'production' };
  if (o.protocol === '3.0') {
    const level = o.level ?? 'orb';
    const nullifier = '0x' + credentialNullifierHex(identity, o.action, `v3/${level}`);
    const proof = '0x' + fakeProofHex({ protocol: '3.0', nullifier, signalHash, action: o.action, nonce: '' }, V3_PROOF_BYTES);
    const item = { identifier: level, signal_hash: signalHash, proof, merkle_root: '0x' + '5c'.repeat(32), nullifier };
    return { protocol_version: '3.0', ...base, responses: [item] };
  }
  const credential = V4_CREDENTIALS[o.credential ?? 'orb'];
  const nullifier = '0x' + credentialNullifierHex(identity, o.action, o.credential ?? 'orb');
  const hex = fakeProofHex({ protocol: '4.0', nullifier, signalHash, action: o.action, nonce: o.nonce }, V4_PROOF_BYTES);
  const proof = Array.from({ length: 5 }, (_, i) => BigInt('0x' + hex.slice(i * 64, (i + 1) * 64)).toString(10));
  return { protocol_version: '4.0', ...base, responses: [{ ...credential, signal_hash: signalHash, nullifier, expires_at_min: 0, proof }] };
}
