import type { Queryable } from './db';

export interface KioskRow {
  id: string;
  name: string;
  revoked_at: Date | null;
}

export async function insertKiosk(q: Queryable, k: { id: string; name: string; tokenHash: string; now: Date }): Promise<void> {
  await q.query('INSERT INTO kiosks (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)', [k.id, k.name, k.tokenHash, k.now]);
}

/** The kiosk a token belongs to, unless revoked; marks it seen. */
export async function authenticateKiosk(q: Queryable, tokenHash: string, now: Date): Promise<KioskRow | undefined> {
  const { rows } = await q.query<KioskRow>(
    'UPDATE kiosks SET last_seen_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id, name, revoked_at',
    [tokenHash, now],
  );
  return rows[0];
}
