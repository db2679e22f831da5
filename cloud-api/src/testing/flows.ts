import { newId } from '../../../contract/clock';
import { CreateTransactionResponseSchema, type CreateTransactionResponse } from '../../../contract/http';
import type { Harness } from './harness';
import { fakeWorldIdResult } from './world-id-result';

/** Registers a transaction for the kiosk; throws unless 201. */
export async function createTransaction(h: Harness, token: string, amountCents = 500): Promise<CreateTransactionResponse> {
  const res = await h.req('POST', '/v1/transactions', { token, body: { id: newId(), amount_cents: amountCents } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return CreateTransactionResponseSchema.parse(await res.json());
}

/** The phone's answer for this transaction (right signal, action and nonce). */
export function resultFor(tx: CreateTransactionResponse, identity = 'person-1'): Record<string, unknown> {
  return fakeWorldIdResult({ signal: tx.transaction.id, action: tx.world_id.action, nonce: tx.rp_context.nonce, identity });
}

export function postWorldId(h: Harness, token: string, transactionId: string, result: unknown): Promise<Response> {
  return h.req('POST', `/v1/transactions/${transactionId}/world-id`, { token, body: { result } });
}

/** Create + verify: the transaction ends `paid` with its job pending (PAYMENT_MODE=none). */
export async function createPaidTransaction(h: Harness, token: string, o: { amountCents?: number; identity?: string } = {}) {
  const tx = await createTransaction(h, token, o.amountCents);
  const res = await postWorldId(h, token, tx.transaction.id, resultFor(tx, o.identity ?? newId()));
  if (res.status !== 200) throw new Error(`world-id failed: ${res.status} ${await res.text()}`);
  return tx;
}

export async function jobsOf(h: Harness, transactionId: string) {
  const { rows } = await h.tdb.db.query<{ id: string; status: string; coins: number; delivered_count: number }>(
    'SELECT id, status, coins, delivered_count FROM dispense_jobs WHERE transaction_id = $1',
    [transactionId],
  );
  return rows;
}
