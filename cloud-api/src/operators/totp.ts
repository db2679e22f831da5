import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits — what authenticator apps default to), RFC 4648 base32 secrets. */
const STEP_SEC = 30;
const DIGITS = 6;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const clean = s.replace(/=+$/, '').replace(/\s/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error('not base32');
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new secret: 20 random bytes (RFC 4226 recommends 160 bits), base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** RFC 4226 HOTP of one counter value. */
export function hotp(secret: Buffer, counter: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return bin.toString().padStart(DIGITS, '0');
}

export const totpStep = (atMs: number): number => Math.floor(atMs / 1000 / STEP_SEC);

export function totpCode(secretB32: string, atMs: number): string {
  return hotp(base32Decode(secretB32), totpStep(atMs));
}

/**
 * The time step a code matches, within one step of clock drift either way, or undefined. A step at or below
 * `lastStep` (the last one accepted for this account) is refused: a code works once.
 */
export function matchTotp(secretB32: string, code: string, atMs: number, lastStep: number | null): number | undefined {
  const key = base32Decode(secretB32);
  const now = totpStep(atMs);
  for (const step of [now - 1, now, now + 1]) {
    if (lastStep !== null && step <= lastStep) continue;
    const want = Buffer.from(hotp(key, step));
    const got = Buffer.from(code);
    if (got.length === want.length && timingSafeEqual(got, want)) return step;
  }
  return undefined;
}

export function totpUri(secretB32: string, email: string): string {
  return `otpauth://totp/RoluATM:${encodeURIComponent(email)}?secret=${secretB32}&issuer=RoluATM&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SEC}`;
}
