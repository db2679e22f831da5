import type { Clock } from '../../contract/clock';
import { verifyJobWithKeys, type JobPublicKey, type SignedJob } from '../../contract/job';
import { err, ok, type Result } from '../../contract/result';
import type { TransactionRow } from '../db/transactions';

/**
 * The checks a dispense job passes before any coin moves (PRODUCT.md "Money rules"): an Ed25519
 * signature over canonicalJobBytes by the accepted job key its kid names (contract/job.ts
 * verifyJobWithKeys; an unknown kid is `job_key_unknown`, docs/SECURITY.md "Job-key rotation"), this
 * kiosk's id, not expired, and a transaction of ours for the same number of coins. No I/O.
 */
export interface JobCheckInput {
  job: SignedJob;
  /** The job keys this kiosk accepts (sync/job-keys.ts). */
  keys: readonly JobPublicKey[];
  kioskId: string;
  clock: Clock;
  transaction: TransactionRow | undefined;
}

export async function checkJob({ job, keys, kioskId, clock, transaction }: JobCheckInput): Promise<Result<true>> {
  const signed = await verifyJobWithKeys(job, keys);
  if (!signed.ok && signed.code === 'job_key_unknown') {
    return err('job_key_unknown', `the job is signed with key ${job.kid ?? '?'}, which this kiosk does not accept (retired, or not announced yet)`);
  }
  if (!signed.ok) return err('job_signature_invalid', "the job's signature does not verify with the cloud job key it names");
  if (job.kiosk_id !== kioskId) return err('job_wrong_kiosk', 'the job names another kiosk');
  if (Date.parse(job.expires_at) <= clock.now().getTime()) return err('job_expired', 'the job expired before it arrived');
  if (!transaction) return err('job_unknown_transaction', 'the job names a transaction this kiosk did not create');
  if (transaction.coins !== job.coins) return err('job_coins_mismatch', `the job pays ${job.coins} coins, the transaction ordered ${transaction.coins}`);
  return ok(true);
}
