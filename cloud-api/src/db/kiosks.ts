import type { Queryable } from './db';

export interface KioskRow {
  id: string;
  name: string;
  revoked_at: Date | null;
}

export async function insertKiosk(q: Queryable, k: { id: string; name: string; tokenHash: string; now: Date }): Promise<void> {
  await q.query('INSERT INTO kiosks (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)', [k.id, k.name, k.tokenHash, k.now]);
}

/**
 * The kiosk a token belongs to, unless revoked; marks it seen — but writes last_seen_at only when it is
 * older than `writeEverySec` (issue 18: a long-poll every 25 s from 10,000 kiosks must not be 400 row
 * writes a second; "silent" is minutes, so a minute's granularity loses nothing). One round trip.
 */
export async function authenticateKiosk(q: Queryable, tokenHash: string, now: Date, writeEverySec = 0): Promise<KioskRow | undefined> {
  const { rows } = await q.query<KioskRow>(
    `WITH k AS (SELECT id, name, revoked_at, last_seen_at FROM kiosks WHERE token_hash = $1 AND revoked_at IS NULL),
          seen AS (UPDATE kiosks SET last_seen_at = $2 FROM k
                    WHERE kiosks.id = k.id AND (k.last_seen_at IS NULL OR k.last_seen_at <= $2::timestamptz - make_interval(secs => $3))
                    RETURNING kiosks.id)
     SELECT id, name, revoked_at FROM k`,
    [tokenHash, now, writeEverySec],
  );
  return rows[0];
}
