import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Operator passwords (issue 17): scrypt from node:crypto, stored as `scrypt$N$r$p$salt$hash` (base64url), so the
 * cost can be raised later without breaking stored hashes. N = 2^15, r = 8, p = 1 (OWASP's scrypt minimum is N=2^17
 * with p=1 … we take 2^15 to keep a login under ~100 ms on a Pi-class cloud; raise COST_N when hardware allows).
 */
const COST_N = 2 ** 15;
const BLOCK_R = 8;
const PARALLEL_P = 1;
const KEY_LEN = 32;

function scryptAsync(password: string, salt: Buffer, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LEN, { ...o, maxmem: 128 * o.N! * o.r! * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, { N: COST_N, r: BLOCK_R, p: PARALLEL_P });
  return ['scrypt', COST_N, BLOCK_R, PARALLEL_P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, verified against for unknown emails so they take as long as known ones. */
export const DUMMY_HASH = `scrypt$${COST_N}$${BLOCK_R}$${PARALLEL_P}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

/** An initial or reset password: 18 random bytes, base64url (24 characters); the console asks to change it. */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}
