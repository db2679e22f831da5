import { createHmac } from 'node:crypto';

/**
 * Deterministic stand-ins for World ID proofs, shared ONLY by the simulated phone and the fake
 * Developer Portal. Not zero-knowledge, not secure: they let tests tell a proof the phone made
 * from a tampered or invented one.
 *
 * - nullifier: derived from (identity secret, action) → same person + same action = same nullifier,
 *   a different action or person = a different one (what per-human limits rely on).
 * - proof: HMAC over (protocol, nullifier, signal hash, action, nonce). 3.0 proofs carry no nonce
 *   (the legacy request never shows the phone one), so `nonce` is '' for them.
 */
const PROOF_SECRET = 'roluatm-sim-world-id-proof-secret-v1';

export interface ProofInputs {
  protocol: '3.0' | '4.0';
  nullifier: string;
  signalHash: string;
  action: string;
  nonce: string;
}

function hmacHex(key: string, parts: string[], counter = 0): string {
  return createHmac('sha256', key).update(JSON.stringify([counter, ...parts])).digest('hex');
}

/** 32 bytes whose top byte is zero, so the value is a valid BN254 field element (as real ones are). */
function fieldHex(hex64: string): string {
  return '00' + hex64.slice(2);
}

/** 64 lowercase hex chars, no prefix. */
export function nullifierHexFor(identity: string, action: string): string {
  return fieldHex(hmacHex(identity, ['nullifier', action]));
}

/**
 * The nullifier of one person's credential: World ID gives every credential (and the 3.0 and 4.0 Orb
 * proofs) its own nullifier, which nobody can link to the others. `credential` is 'orb' for a 4.0 Orb
 * proof (the same value as nullifierHexFor(identity, action)), else e.g. 'v3/orb', 'v3/device', 'passport'.
 */
export function credentialNullifierHex(identity: string, action: string, credential: string): string {
  return nullifierHexFor(credential === 'orb' ? identity : `${identity}/${credential}`, action);
}

/** `0x…`, `nil_…` or bare hex → 64 lowercase hex chars (non-hex input is kept as is, so it never matches). */
function normalizeNullifier(value: string): string {
  const bare = value.toLowerCase().replace(/^(0x|nil_)/, '');
  return /^[0-9a-f]{1,64}$/.test(bare) ? bare.padStart(64, '0') : value;
}

/** Proof bytes as lowercase hex, `bytes` long, no prefix. */
export function fakeProofHex(inputs: ProofInputs, bytes: number): string {
  const normalized = [
    inputs.protocol,
    normalizeNullifier(inputs.nullifier),
    inputs.signalHash.toLowerCase(),
    inputs.action,
    inputs.nonce.toLowerCase(),
  ];
  let out = '';
  for (let i = 0; out.length < bytes * 2; i++) out += hmacHex(PROOF_SECRET, normalized, i);
  return out.slice(0, bytes * 2);
}

/** 4.0: 160 bytes (5 × 32: four compressed Groth16 elements and the Merkle root). */
export const V4_PROOF_BYTES = 160;
/** 3.0: ABI-encoded uint256[8]. */
export const V3_PROOF_BYTES = 256;

/** idkit-core turns a 4.0 proof into five decimal words; this joins them back into hex (null if not numbers). */
export function joinV4ProofWords(words: readonly string[]): string | null {
  let out = '';
  for (const word of words) {
    if (!/^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(word)) return null;
    const hexWord = BigInt(word).toString(16);
    if (hexWord.length > 64) return null;
    out += hexWord.padStart(64, '0');
  }
  return out;
}
