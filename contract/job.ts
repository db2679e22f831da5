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
export function canonicalJobBytes(job: UnsignedJob): Uint8Array {
  const text = ['roluatm-job-v1', job.id, job.transaction_id, job.kiosk_id, String(job.coins), job.expires_at].join('\n');
  return new TextEncoder().encode(text);
}
