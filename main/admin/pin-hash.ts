import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PinHash } from '../db/admin-state';

/**
 * The technician PIN, stored only as an scrypt hash (issue 6): a random 16-byte salt per hash and
 * the cost parameters stored beside it, so they can be raised later without breaking old hashes.
 * Checking compares the derived keys in constant time (timingSafeEqual).
 */
export const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1, keylen: 32 } as const;

function derive(pin: string, salt: Buffer, p: { N: number; r: number; p: number; keylen: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(pin, salt, p.keylen, options, (e, key) => (e ? reject(e) : resolve(key))));
}

export async function hashPin(pin: string, params: { N: number; r: number; p: number; keylen: number } = SCRYPT_PARAMS): Promise<PinHash> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, params);
  return { algo: 'scrypt', ...params, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(pin, Buffer.from(stored.salt, 'base64'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
