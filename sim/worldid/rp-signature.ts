import * as secp from '@noble/secp256k1';
import { hashToField, rpSignatureDigest } from '../../cloud-api/src/worldid/rp-context';

/**
 * What World App checks on a 4.0 proof_request before answering (world-id.md "Request signing"):
 * the action field element matches the action, the signature recovers to the RP's registered key,
 * and the context has not expired. Returns a World App error code, or null when all is well.
 */
export interface ProofRequestRp {
  rp_id: string;
  nonce: string;
  created_at: number;
  expires_at: number;
  signature: string;
  action: string;
}

export type RpCheckCode = 'malformed_request' | 'unknown_rp' | 'invalid_rp_signature' | 'rp_signature_expired';

export function actionFieldHex(action: string): string {
  return '0x' + Buffer.from(hashToField(new TextEncoder().encode(action))).toString('hex');
}

/** The compressed public key (hex) that produced `signature`, or null when it does not recover. */
export function recoverRpPublicKey(pr: ProofRequestRp, action: string): string | null {
  const sigHex = pr.signature.replace(/^0x/, '');
  if (!/^[0-9a-fA-F]{130}$/.test(sigHex)) return null;
  try {
    const bytes = Buffer.from(sigHex, 'hex');
    const v = bytes[64] ?? 0;
    const recovery = v >= 27 ? v - 27 : v;
    const sig = secp.Signature.fromCompact(bytes.subarray(0, 64)).addRecoveryBit(recovery);
    const point = sig.recoverPublicKey(rpSignatureDigest(pr.nonce, pr.created_at, pr.expires_at, action));
    return point.toHex(true);
  } catch {
    return null;
  }
}

export function checkRpSignature(
  pr: ProofRequestRp,
  action: string,
  nowSec: number,
  rpPublicKeys?: Record<string, string>,
): RpCheckCode | null {
  if (actionFieldHex(action) !== pr.action.toLowerCase()) return 'malformed_request';
  const recovered = recoverRpPublicKey(pr, action);
  if (!recovered) return 'invalid_rp_signature';
  if (rpPublicKeys) {
    const registered = rpPublicKeys[pr.rp_id];
    if (!registered) return 'unknown_rp';
    if (registered.replace(/^0x/, '').toLowerCase() !== recovered) return 'invalid_rp_signature';
  }
  if (nowSec > pr.expires_at) return 'rp_signature_expired';
  return null;
}
