import type { Queryable } from './db';

/** Nonces the cloud signed into an rp_context (world-id.md "Cloud side": the portal does not check them). */
export async function insertIssuedNonce(q: Queryable, n: { nonce: string; transactionId: string; expiresAt: Date }): Promise<void> {
  await q.query('INSERT INTO issued_nonces (nonce, transaction_id, expires_at) VALUES ($1, $2, $3)', [
    n.nonce,
    n.transactionId,
    n.expiresAt,
  ]);
}

/** Marks a nonce used exactly once, for its own transaction; false when unknown, reused or foreign. */
export async function useIssuedNonce(q: Queryable, n: { nonce: string; transactionId: string; now: Date }): Promise<boolean> {
  const r = await q.query(
    'UPDATE issued_nonces SET used_at = $3 WHERE nonce = $1 AND transaction_id = $2 AND used_at IS NULL',
    [n.nonce, n.transactionId, n.now],
  );
  return r.rowCount === 1;
}
