import type { Queryable } from './db';

/**
 * Nonces the cloud signed into an rp_context (world-id.md "Cloud side": the portal does not check them) are
 * written with their transaction (db/transactions.ts registerTransaction).
 * Marks a nonce used exactly once, for its own transaction, before its rp_context expires (issue 14):
 * 'used' on success; 'expired' past its expires_at; 'invalid' when unknown, reused or foreign.
 */
export async function useIssuedNonce(
  q: Queryable,
  n: { nonce: string; transactionId: string; now: Date },
): Promise<'used' | 'expired' | 'invalid'> {
  const r = await q.query(
    'UPDATE issued_nonces SET used_at = $3 WHERE nonce = $1 AND transaction_id = $2 AND used_at IS NULL AND expires_at > $3',
    [n.nonce, n.transactionId, n.now],
  );
  if (r.rowCount === 1) return 'used';
  const { rows } = await q.query('SELECT 1 FROM issued_nonces WHERE nonce = $1 AND transaction_id = $2 AND used_at IS NULL', [n.nonce, n.transactionId]);
  return rows.length === 1 ? 'expired' : 'invalid';
}
