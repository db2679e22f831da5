import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { canonicalJobBytes, type SignedJob, type UnsignedJob } from '../../contract/job';

export interface JobSigner {
  /** Ed25519 public key, SPKI DER base64 (EnrollResponse.job_public_key). */
  readonly publicKeySpkiB64: string;
  sign(job: UnsignedJob): SignedJob;
}

/** From JOB_SIGNING_KEY (Ed25519 PKCS8 DER base64). Signs canonicalJobBytes (contract/job.ts). */
export function createJobSigner(pkcs8B64: string): JobSigner {
  const key = createPrivateKey({ key: Buffer.from(pkcs8B64, 'base64'), format: 'der', type: 'pkcs8' });
  const publicKeySpkiB64 = createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    publicKeySpkiB64,
    sign: (job) => ({ ...job, signature: sign(null, canonicalJobBytes(job), key).toString('base64') }),
  };
}
