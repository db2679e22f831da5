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

export const SignedJobSchema = UnsignedJobSchema.extend({ signature: z.string().min(1) });
export type SignedJob = z.infer<typeof SignedJobSchema>;

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
  const { signature, ...unsigned } = job;
  try {
    const key = await crypto.subtle.importKey('spki', fromBase64(publicKeySpkiB64), { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, fromBase64(signature), canonicalJobBytes(unsigned));
  } catch {
    return false;
  }
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
