import type { ClaimAnswer } from '../../contract/credits';
import type { TransactionStatus } from '../../contract/transaction';
import type { CloudClient } from '../sync/cloud-client';
import { CloudError } from '../sync/cloud-error';

/**
 * The cloud's answer to a World ID result: the transaction's status (and for a claim, issue 15, the coins it
 * pays out here and what stays owed), and for a refusal the screen's error code (a claim for someone owed
 * nothing: `nothing_owed`).
 */
export type WorldIdVerdict = { ok: true; status: TransactionStatus; claim?: ClaimAnswer } | { ok: false; code: string; status: TransactionStatus };

/**
 * POST /v1/transactions/{id}/world-id with the IDKit result, unchanged (world-id.md), and the verdict:
 * a refusal becomes an error code for the screen and the transaction's final status on the kiosk.
 */
export async function askWorldIdVerdict(
  client: Pick<CloudClient, 'submitWorldId'>,
  txId: string,
  result: unknown,
): Promise<WorldIdVerdict> {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return { ok: false, code: 'proof_invalid', status: 'refused' };
  }
  try {
    const answer = await client.submitWorldId(txId, result as Record<string, unknown>);
    return { ok: true, status: answer.transaction.status, ...(answer.claim ? { claim: answer.claim } : {}) };
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    if (e.transient) return { ok: false, code: 'offline', status: 'cancelled' };
    if (e.code === 'transaction_expired') return { ok: false, code: e.code, status: 'expired' };
    return { ok: false, code: e.code, status: 'refused' };
  }
}
