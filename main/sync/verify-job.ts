import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Clock } from '../../contract/clock';
import { canonicalJobBytes, type SignedJob } from '../../contract/job';
import { err, ok, type Result } from '../../contract/result';
import type { TransactionRow } from '../db/transactions';

/**
 * The checks a dispense job passes before any coin moves (PRODUCT.md "Money rules"): an Ed25519
 * signature by the cloud's job key over canonicalJobBytes, this kiosk's id, not expired, and a
 * transaction of ours for the same number of coins. Pure: no I/O besides the key.
 */
export function jobPublicKey(spkiBase64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
}

export interface JobCheckInput {
  job: SignedJob;
  publicKey: KeyObject;
  kioskId: string;
  clock: Clock;
  transaction: TransactionRow | undefined;
}

export function checkJob({ job, publicKey, kioskId, clock, transaction }: JobCheckInput): Result<true> {
  const { signature, ...unsigned } = job;
  let valid = false;
  try {
    valid = verify(null, canonicalJobBytes(unsigned), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return err('job_signature_invalid', 'the job is not signed by the cloud key stored at enrolment');
  if (job.kiosk_id !== kioskId) return err('job_wrong_kiosk', 'the job names another kiosk');
  if (Date.parse(job.expires_at) <= clock.now().getTime()) return err('job_expired', 'the job expired before it arrived');
  if (!transaction) return err('job_unknown_transaction', 'the job names a transaction this kiosk did not create');
  if (transaction.coins !== job.coins) return err('job_coins_mismatch', `the job pays ${job.coins} coins, the transaction ordered ${transaction.coins}`);
  return ok(true);
}
