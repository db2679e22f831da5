import type { CreateTransactionResponse } from '../../contract/http';
import { getTransaction } from '../db/transactions';
import { sleep, type Timers } from '../sync/backoff';
import type { CloudClient } from '../sync/cloud-client';
import { CloudError } from '../sync/cloud-error';
import type { KioskDb } from '../db/open-db';

/**
 * POST /v1/transactions for a local transaction (a cash-out or a claim). Idempotent on the kiosk-generated id, so a
 * network error is retried a few times with the same body; then the kiosk says it is offline.
 */
export async function registerWithRetry(
  deps: { db: KioskDb; client: Pick<CloudClient, 'createTransaction'>; registerAttempts?: number; registerRetryMs?: number },
  timers: Timers,
  txId: string,
  abort?: AbortSignal,
): Promise<{ ok: true; value: CreateTransactionResponse } | { ok: false; code: string }> {
  const tx = getTransaction(deps.db, txId);
  if (!tx) return { ok: false, code: 'unknown' };
  const attempts = deps.registerAttempts ?? 3;
  for (let i = 1; ; i++) {
    try {
      // A claim (issue 15) carries no amount: the cloud sets it when the World ID proof finds what is owed.
      const body = tx.kind === 'claim' ? { id: txId, kind: 'claim' as const } : { id: txId, amount_cents: tx.amount_cents };
      return { ok: true, value: await deps.client.createTransaction(body) };
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
      if (!e.transient || i >= attempts || abort?.aborted) return { ok: false, code: e.transient ? 'offline' : e.code };
      await sleep(timers, (deps.registerRetryMs ?? 1000) * i, abort);
    }
  }
}
