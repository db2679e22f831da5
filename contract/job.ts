import { z } from 'zod';
import { CoinsSchema } from './money';
import { IsoTimeSchema, UuidSchema } from './ids';

/**
 * A dispense job as the cloud hands it to a kiosk. `signature` is Ed25519 (base64) over
 * `canonicalJobBytes(job)`, made with the cloud's job key; the kiosk checks it with the
 * public key it received at enrolment before any coin moves (PRODUCT.md "Money rules").
 */
export const UnsignedJobSchema = z.strictObject({
  id: UuidSchema,
  transaction_id: UuidSchema,
  kiosk_id: UuidSchema,
  coins: CoinsSchema.refine((n) => n > 0, 'a job pays at least one coin'),
  expires_at: IsoTimeSchema,
});
export type UnsignedJob = z.infer<typeof UnsignedJobSchema>;

/**
 * `kid` names the job key that signed (jobKeyId of its public key), so the kiosk picks that key from its
 * set and the cloud can rotate keys without re-enrolling (docs/SECURITY.md "Job-key rotation"). It is not
 * part of the signed bytes: it only selects a key, and a changed kid selects a key the signature fails.
 * Absent on jobs signed before key ids (the kiosk then tries every key it accepts).
 */
export const JobKeyIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'a job key id is 16 hex digits');
export const SignedJobSchema = UnsignedJobSchema.extend({ kid: JobKeyIdSchema.optional(), signature: z.string().min(1) });
export type SignedJob = z.infer<typeof SignedJobSchema>;

/** A job public key the cloud announces: its id and the Ed25519 key (SPKI DER, base64). */
export const JobPublicKeySchema = z.object({ kid: JobKeyIdSchema, public_key: z.string().min(1) });
export type JobPublicKey = z.infer<typeof JobPublicKeySchema>;

/** Ed25519 SPKI DER: a fixed 12-byte header, then the 32-byte raw public key. */
const ED25519_SPKI_HEADER = '302a300506032b6570032100';

/**
 * The key id of an Ed25519 job public key (SPKI DER, base64): the first 8 bytes of the raw key, in hex.
 * Derived, never configured, so the cloud and the kiosk cannot disagree; null when it is not an
 * Ed25519 SPKI key.
 */
export function jobKeyId(publicKeySpkiB64: string): string | null {
  let hex: string;
  try {
    hex = [...fromBase64(publicKeySpkiB64)].map((b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
  if (hex.length !== 88 || !hex.startsWith(ED25519_SPKI_HEADER)) return null;
  return hex.slice(ED25519_SPKI_HEADER.length, ED25519_SPKI_HEADER.length + 16);
}

/** Canonical content signed: fixed field order, one line, UTF-8. */
export function canonicalJobBytes(job: UnsignedJob): Uint8Array<ArrayBuffer> {
  const text = ['roluatm-job-v1', job.id, job.transaction_id, job.kiosk_id, String(job.coins), job.expires_at].join('\n');
  return new TextEncoder().encode(text);
}

/**
 * The one check of a job's Ed25519 signature: by the cloud's job key (SPKI DER, base64, as in
 * EnrollResponse.job_public_key) over canonicalJobBytes. Web Crypto (`globalThis.crypto.subtle`), so
 * the same code runs in the kiosk core, Electron and the cloud. A malformed key or signature is false.
 */
export async function verifyJobSignature(job: SignedJob, publicKeySpkiB64: string): Promise<boolean> {
  const { signature, kid: _kid, ...unsigned } = job;
  try {
    const key = await crypto.subtle.importKey('spki', fromBase64(publicKeySpkiB64), { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, fromBase64(signature), canonicalJobBytes(unsigned));
  } catch {
    return false;
  }
}

/** An env list of job public keys (cloud JOB_ANNOUNCED_PUBLIC_KEYS, kiosk JOB_PUBLIC_KEYS): comma-separated Ed25519 SPKI DER base64. */
export const JobPublicKeyListEnvSchema = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((k) => k.trim()).filter((k) => k.length > 0))
  .refine((keys) => keys.every((k) => jobKeyId(k) !== null), 'must be Ed25519 public keys, SPKI DER, base64, separated by commas');

export type JobKeyCheck = { ok: true; kid: string | null } | { ok: false; code: 'job_key_unknown' | 'job_signature_invalid' };

/**
 * Checks a job against a SET of accepted job keys (the kiosk's: docs/SECURITY.md "Job-key rotation").
 * A job with a kid is checked with that key only; a kid not in the set is `job_key_unknown`. A job
 * without a kid (signed before key ids) passes when any accepted key verifies it.
 */
export async function verifyJobWithKeys(job: SignedJob, keys: readonly JobPublicKey[]): Promise<JobKeyCheck> {
  if (job.kid !== undefined) {
    const key = keys.find((k) => k.kid === job.kid);
    if (!key) return { ok: false, code: 'job_key_unknown' };
    return (await verifyJobSignature(job, key.public_key)) ? { ok: true, kid: key.kid } : { ok: false, code: 'job_signature_invalid' };
  }
  for (const key of keys) if (await verifyJobSignature(job, key.public_key)) return { ok: true, kid: null };
  return { ok: false, code: 'job_signature_invalid' };
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
