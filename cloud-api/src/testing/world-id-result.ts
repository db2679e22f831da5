import { hashSignal } from '@worldcoin/idkit-core/hashing';
import { fakeProofHex, nullifierHexFor, V4_PROOF_BYTES } from '../../../sim/worldid/fake-proof';

/**
 * A 4.0 IDKit result as the simulated phone makes it (sim/worldid/phone.ts), built directly so route
 * tests can vary one field at a time. The fake portal accepts it exactly when the phone would have.
 */
export function fakeWorldIdResult(o: { signal: string; action: string; nonce: string; identity?: string }): Record<string, unknown> {
  const nullifier = '0x' + nullifierHexFor(o.identity ?? 'person-1', o.action);
  const signalHash = hashSignal(o.signal);
  const hex = fakeProofHex({ protocol: '4.0', nullifier, signalHash, action: o.action, nonce: o.nonce }, V4_PROOF_BYTES);
  const proof = Array.from({ length: 5 }, (_, i) => BigInt('0x' + hex.slice(i * 64, (i + 1) * 64)).toString(10));
  return {
    protocol_version: '4.0',
    nonce: o.nonce,
    action: o.action,
    environment: 'staging',
    responses: [{ identifier: 'proof_of_human', issuer_schema_id: 1, signal_hash: signalHash, nullifier, expires_at_min: 0, proof }],
  };
}
