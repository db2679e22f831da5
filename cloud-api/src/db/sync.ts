import type { SyncEvent } from '../../../contract';
import type { Queryable } from './db';

export type StoreResult = 'stored' | 'duplicate' | 'conflict';

/**
 * Stores one outbox event once per (kiosk, seq) (contract/sync-events.ts). The same seq with another
 * event id is a conflict: the kiosk reused a seq, which its outbox never does.
 */
export async function storeKioskEvent(q: Queryable, kioskId: string, e: SyncEvent, receivedAt: Date): Promise<StoreResult> {
  const r = await q.query(
    `INSERT INTO kiosk_events (kiosk_id, seq, event_id, type, payload, occurred_at, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kiosk_id, seq) DO NOTHING`,
    [kioskId, e.seq, e.id, e.type, JSON.stringify(e.payload), e.occurred_at, receivedAt],
  );
  if (r.rowCount === 1) return 'stored';
  const { rows } = await q.query<{ event_id: string }>('SELECT event_id FROM kiosk_events WHERE kiosk_id = $1 AND seq = $2', [
    kioskId,
    e.seq,
  ]);
  return rows[0]?.event_id === e.id ? 'duplicate' : 'conflict';
}

export async function flagKioskEvent(q: Queryable, kioskId: string, seq: number, flag: string): Promise<void> {
  await q.query('UPDATE kiosk_events SET flagged = $3 WHERE kiosk_id = $1 AND seq = $2', [kioskId, seq, flag]);
}

/** Highest seq such that every seq 1..n of this kiosk is stored (0 when seq 1 is missing). */
export async function highContiguousSeq(q: Queryable, kioskId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT COALESCE(max(seq), 0)::int AS n FROM (
       SELECT seq, row_number() OVER (ORDER BY seq) AS rn FROM kiosk_events WHERE kiosk_id = $1) s
      WHERE seq = rn`,
    [kioskId],
  );
  return rows[0]?.n ?? 0;
}
