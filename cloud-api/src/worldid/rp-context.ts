import { createHmac, randomBytes } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3';
import * as secp from '@noble/secp256k1';
import { computeRpSignatureMessage } from '@worldcoin/idkit-server';
import type { Clock } from '../../../contract/clock';
import type { RpContext } from '../../../contract/http';

/**
 * World ID 4.0 request signing (world-id.md "Request signing"). Same bytes as `signRequest` from
 * @worldcoin/idkit-server: message = version(1) ‖ nonce(32) ‖ created_at u64 BE ‖ expires_at u64 BE ‖
 * hashToField(action)(32), hashed with the EIP-191 prefix, signed with secp256k1 (65-byte r‖s‖v, v=27/28).
 * We build it ourselves only so the timestamps come from the injected Clock (signRequest reads Date.now());
 * rp-context.test.ts proves both produce signatures the same verifier accepts.
 */

secp.etc.hmacSha256Sync = (key, ...msgs) => {
  const mac = createHmac('sha256', key);
  for (const m of msgs) mac.update(m);
  return new Uint8Array(mac.digest());
};

export const DEFAULT_RP_TTL_SEC = 300;
/** What idkit-core 4.3.0 accepts (a u64 in hex); anything else fails only later, on the kiosk. */
export const RP_ID_PATTERN = /^rp_[0-9a-fA-F]{1,16}$/;
const EIP191_PREFIX = '\x19Ethereum Signed Message:\n';

export class RpSigningConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(message: string) {
    super(message);
  }
}

export interface RpContextConfig {
  rpId: string;
  signingKeyHex: string;
  action: string;
  ttlSec?: number;
}

function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.replace(/^0x/, ''), 'hex'));
}
const toHex = (bytes: Uint8Array): string => '0x' + Buffer.from(bytes).toString('hex');

/** keccak256(bytes) >> 8 as 32 bytes: a BN254 field element (same rule as hashSignal). */
export function hashToField(input: Uint8Array): Uint8Array {
  const shifted = BigInt(toHex(keccak_256(input))) >> 8n;
  return hexToBytes(shifted.toString(16).padStart(64, '0'));
}

/** The 32-byte digest the RP signs: EIP-191 hash of the RP signature message. */
export function rpSignatureDigest(nonceHex: string, createdAt: number, expiresAt: number, action: string): Uint8Array {
  const message = computeRpSignatureMessage(hexToBytes(nonceHex), createdAt, expiresAt, action);
  const prefix = new TextEncoder().encode(`${EIP191_PREFIX}${message.length}`);
  const joined = new Uint8Array(prefix.length + message.length);
  joined.set(prefix, 0);
  joined.set(message, prefix.length);
  return keccak_256(joined);
}

/**
 * What idkit-server's signRequest accepts as the RP signing key: 32 bytes of hex (an optional 0x),
 * and a valid secp256k1 secret (not zero, below the curve order; all-zero and all-ff keys are refused).
 */
export function isValidSigningKeyHex(signingKeyHex: string): boolean {
  const hex = signingKeyHex.replace(/^0x/, '');
  return /^[0-9a-fA-F]{64}$/.test(hex) && secp.utils.isValidPrivateKey(hexToBytes(hex));
}

function parseSigningKey(signingKeyHex: string): Uint8Array {
  if (!isValidSigningKeyHex(signingKeyHex)) {
    throw new RpSigningConfigError('WORLD_ID signing key must be 32 bytes of hex (a secp256k1 key); copy it again from the Developer Portal');
  }
  return hexToBytes(signingKeyHex.replace(/^0x/, ''));
}

/** Signs a fresh rp_context for one World ID request. Runs only in the cloud: it holds the signing key. */
export function createRpContext(cfg: RpContextConfig, clock: Clock): RpContext {
  if (!RP_ID_PATTERN.test(cfg.rpId)) {
    throw new RpSigningConfigError(`rp id must be "rp_" and 1–16 hex digits, as the Developer Portal shows it (got "${cfg.rpId}")`);
  }
  const ttl = cfg.ttlSec ?? DEFAULT_RP_TTL_SEC;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new RpSigningConfigError('rp context ttl must be a positive whole number of seconds');
  const key = parseSigningKey(cfg.signingKeyHex);
  const nonce = toHex(hashToField(new Uint8Array(randomBytes(32))));
  const createdAt = Math.floor(clock.now().getTime() / 1000);
  const expiresAt = createdAt + ttl;
  const sig = secp.sign(rpSignatureDigest(nonce, createdAt, expiresAt, cfg.action), key);
  const sig65 = new Uint8Array(65);
  sig65.set(sig.toCompactRawBytes(), 0);
  sig65[64] = sig.recovery + 27;
  return { rp_id: cfg.rpId, nonce, created_at: createdAt, expires_at: expiresAt, signature: toHex(sig65) };
}

/** A random secp256k1 signing key as 64 hex chars, for demos and tests. */
export function generateSigningKeyHex(): string {
  return Buffer.from(secp.utils.randomPrivateKey()).toString('hex');
}

/** The compressed public key (hex, no 0x) that verifies signatures made with this key. */
export function signingPublicKeyHex(signingKeyHex: string): string {
  return Buffer.from(secp.getPublicKey(parseSigningKey(signingKeyHex), true)).toString('hex');
}
