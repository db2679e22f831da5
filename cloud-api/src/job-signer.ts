import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { canonicalJobBytes, jobKeyId, type JobPublicKey, type SignedJob, type UnsignedJob } from '../../contract/job';

export interface JobSigner {
  /** Ed25519 public key of the current job key, SPKI DER base64 (EnrollResponse.job_public_key). */
  readonly publicKeySpkiB64: string;
  /** Its key id (contract/job.ts jobKeyId), carried by every job it signs. */
  readonly kid: string;
  /**
   * The keys a kiosk accepts: the current one first, then JOB_ANNOUNCED_PUBLIC_KEYS (the next or the
   * retired key, docs/SECURITY.md "Job-key rotation"). Sent at enrolment and with every sync answer.
   */
  readonly announcedKeys: readonly JobPublicKey[];
  sign(job: UnsignedJob): SignedJob;
}

/**
 * From JOB_SIGNING_KEY (Ed25519 PKCS8 DER base64) and the other public keys announced
 * (JOB_ANNOUNCED_PUBLIC_KEYS, SPKI DER base64, config checks each). Signs canonicalJobBytes (contract/job.ts) and names the key.
 */
export function createJobSigner(pkcs8B64: string, announcedPublicKeys: readonly string[] = []): JobSigner {
  const key = createPrivateKey({ key: Buffer.from(pkcs8B64, 'base64'), format: 'der', type: 'pkcs8' });
  const publicKeySpkiB64 = createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
  const kid = mustKid(publicKeySpkiB64);
  const others = announcedPublicKeys.filter((k) => k !== publicKeySpkiB64).map((k) => ({ kid: mustKid(k), public_key: k }));
  return {
    publicKeySpkiB64,
    kid,
    announcedKeys: [{ kid, public_key: publicKeySpkiB64 }, ...others],
    sign: (job) => ({ ...job, kid, signature: sign(null, canonicalJobBytes(job), key).toString('base64') }),
  };
}

function mustKid(publicKeySpkiB64: string): string {
  const kid = jobKeyId(publicKeySpkiB64);
  if (kid === null) throw new Error('a job public key must be Ed25519, SPKI DER, base64');
  return kid;
}
