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
 * The kiosk a token belongs to — its current token, or the one it replaced while the grace period lasts
 * (rotateKioskToken) — unless revoked; marks it seen — but writes last_seen_at only when it is
 * older than `writeEverySec` (issue 18: a long-poll every 25 s from 10,000 kiosks must not be 400 row
 * writes a second; "silent" is minutes, so a minute's granularity loses nothing). One round trip.
 */
export async function authenticateKiosk(q: Queryable, tokenHash: string, now: Date, writeEverySec = 0): Promise<KioskRow | undefined> {
  const { rows } = await q.query<KioskRow>(
    `WITH k AS (SELECT id, name, revoked_at, last_seen_at FROM kiosks
                 WHERE (token_hash = $1 OR (previous_token_hash = $1 AND previous_token_expires_at > $2)) AND revoked_at IS NULL),
          seen AS (UPDATE kiosks SET last_seen_at = $2 FROM k
                    WHERE kiosks.id = k.id AND (k.last_seen_at IS NULL OR k.last_seen_at <= $2::timestamptz - make_interval(secs => $3))
                    RETURNING kiosks.id)
     SELECT id, name, revoked_at FROM k`,
    [tokenHash, now, writeEverySec],
  );
  return rows[0];
}

export type TokenRotation =
  | { kind: 'rotated' | 'already'; previousValidUntil: Date | null }
  | { kind: 'not_current' }
  | { kind: 'taken' };

/**
 * Kiosk token rotation (docs/SECURITY.md "Kiosk token rotation"), in the caller's DB transaction, under
 * the kiosk's row lock. The presented token must be the current one; the new one becomes current and
 * the presented one stays valid for `graceSec` (the one replaced before that ends now). The new token
 * already current answers `already` and changes nothing (a retry after a lost answer, with either token).
 */
export async function rotateKioskToken(
  q: Queryable,
  o: { kioskId: string; presentedHash: string; newHash: string; now: Date; graceSec: number },
): Promise<TokenRotation> {
  const { rows } = await q.query<{ token_hash: string; previous_token_expires_at: Date | null }>(
    'SELECT token_hash, previous_token_expires_at FROM kiosks WHERE id = $1 FOR UPDATE',
    [o.kioskId],
  );
  const row = rows[0];
  if (!row) return { kind: 'not_current' };
  if (row.token_hash === o.newHash) return { kind: 'already', previousValidUntil: row.previous_token_expires_at };
  if (row.token_hash !== o.presentedHash) return { kind: 'not_current' };
  const taken = await q.query('SELECT 1 FROM kiosks WHERE token_hash = $1 OR previous_token_hash = $1', [o.newHash]);
  if (taken.rows.length > 0) return { kind: 'taken' };
  const until = new Date(o.now.getTime() + o.graceSec * 1000);
  await q.query(
    'UPDATE kiosks SET previous_token_hash = token_hash, previous_token_expires_at = $3, token_hash = $2 WHERE id = $1',
    [o.kioskId, o.newHash, until],
  );
  return { kind: 'rotated', previousValidUntil: until };
}
