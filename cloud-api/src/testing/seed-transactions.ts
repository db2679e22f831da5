import type { Queryable } from '../db/db';

/**
 * Bulk transactions for search and paging tests and the console's load-time measurement (issue 17: the transactions
 * list with 100,000 rows): one INSERT … SELECT generate_series. Ids are UUIDv7-shaped and unique per `salt`; the
 * i-th row is created `i` seconds before `newest`; statuses rotate through completed, failed, expired.
 */
export async function seedTransactions(q: Queryable, o: { kioskId: string; count: number; newest: Date; salt: number }): Promise<void> {
  await q.query(
    `INSERT INTO transactions (id, kiosk_id, amount_cents, fee_cents, total_cents, coins, status, coins_paid, payment_reference,
                               rp_nonce, rp_context, created_at, expires_at, updated_at)
     SELECT (lpad(to_hex($4::int), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, $1, 500, 0, 500, 20,
            (ARRAY['completed','failed','expired'])[1 + i % 3], CASE WHEN i % 3 = 0 THEN 20 ELSE NULL END,
            'seed_' || $4 || '_' || i, 'n', '{}'::jsonb,
            $3::timestamptz - make_interval(secs => i), $3::timestamptz - make_interval(secs => i) + interval '10 minutes',
            $3::timestamptz - make_interval(secs => i)
       FROM generate_series(1, $2::int) AS i`,
    [o.kioskId, o.count, o.newest, o.salt],
  );
}
