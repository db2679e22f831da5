import type { Clock } from '../../contract/clock';
import { verifyJobSignature, type SignedJob } from '../../contract/job';
import { err, ok, type Result } from '../../contract/result';
import type { TransactionRow } from '../db/transactions';

/**
 * The checks a dispense job passes before any coin moves (PRODUCT.md "Money rules"): an Ed25519
 * signature by the cloud's job key over canonicalJobBytes (contract/job.ts verifyJobSignature), this
 * kiosk's id, not expired, and a transaction of ours for the same number of coins. No I/O.
 */
export interface JobCheckInput {
  job: SignedJob;
  /** The cloud's job key stored at enrolment (SPKI DER, base64). */
  publicKeySpkiB64: string;
  kioskId: string;
  clock: Clock;
  transaction: TransactionRow | undefined;
}

export async function checkJob({ job, publicKeySpkiB64, kioskId, clock, transaction }: JobCheckInput): Promise<Result<true>> {
  if (!(await verifyJobSignature(job, publicKeySpkiB64))) return err('job_signature_invalid', 'the job is not signed by the cloud key stored at enrolment');
  if (job.kiosk_id !== kioskId) return err('job_wrong_kiosk', 'the job names another kiosk');
  if (Date.parse(job.expires_at) <= clock.now().getTime()) return err('job_expired', 'the job expired before it arrived');
  if (!transaction) return err('job_unknown_transaction', 'the job names a transaction this kiosk did not create');
  if (transaction.coins !== job.coins) return err('job_coins_mismatch', `the job pays ${job.coins} coins, the transaction ordered ${transaction.coins}`);
  return ok(true);
}
