import type { Queryable } from './db';

export async function insertEnrollmentCode(q: Queryable, c: { codeHash: string; expiresAt: Date; now: Date }): Promise<void> {
  await q.query('INSERT INTO enrollment_codes (code_hash, expires_at, created_at) VALUES ($1, $2, $3)', [
    c.codeHash,
    c.expiresAt,
    c.now,
  ]);
}

/** Consumes a code once: false when unknown, used or expired. */
export async function consumeEnrollmentCode(q: Queryable, c: { codeHash: string; kioskId: string; now: Date }): Promise<boolean> {
  const r = await q.query(
    'UPDATE enrollment_codes SET used_at = $3, kiosk_id = $2 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $3',
    [c.codeHash, c.kioskId, c.now],
  );
  return r.rowCount === 1;
}
