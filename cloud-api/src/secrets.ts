import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: kiosk tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens and enrolment codes are stored only as their SHA-256 (hex). */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Constant-time comparison of two secrets of any length (compares their digests). */
export function secretEquals(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** A human-typable one-time enrolment code: 12 chars of Crockford base32 in groups, e.g. "7KQ2-M9XD-4HRT". */
export function randomEnrollmentCode(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => alphabet[b % 32]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/** Payment reference for MiniKit pay (≤ 36 chars, world-id.md "Payment in World App"). */
export function randomPaymentReference(): string {
  return `rat_${randomBytes(16).toString('hex')}`;
}
