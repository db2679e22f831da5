import type { SyncEvent } from '../../../contract';
import type { Queryable } from './db';

/**
 * Stores a batch of outbox events once per (kiosk, seq) (contract/sync-events.ts): one INSERT for the
 * whole batch, one SELECT for the seqs that were already there. The same seq with another event id is
 * a conflict (the kiosk reused a seq, which its outbox never does); a seq at or below the kiosk's
 * high-water mark whose row retention already pruned is a duplicate, never stored again. Returns the
 * events stored now (in seq order), or the first seq reused with another id.
 */
export async function storeKioskEvents(
  q: Queryable,
  kioskId: string,
  events: SyncEvent[],
  receivedAt: Date,
  highSeq: number,
): Promise<{ stored: SyncEvent[]; conflictSeq?: number }> {
  const fresh = events.filter((e) => e.seq > highSeq);
  const inserted = new Set<number>();
  if (fresh.length > 0) {
    const r = await q.query<{ seq: number }>(
      `INSERT INTO kiosk_events (kiosk_id, seq, event_id, type, payload, occurred_at, received_at)
       SELECT $1, s, i, t, p::jsonb, o, $7 FROM unnest($2::int[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[]) AS u(s, i, t, p, o)
       ON CONFLICT (kiosk_id, seq) DO NOTHING RETURNING seq`,
      [kioskId, fresh.map((e) => e.seq), fresh.map((e) => e.id), fresh.map((e) => e.type), fresh.map((e) => JSON.stringify(e.payload)), fresh.map((e) => e.occurred_at), receivedAt],
    );
    for (const row of r.rows) inserted.add(Number(row.seq));
  }
  const stored: SyncEvent[] = [];
  const others: SyncEvent[] = [];
  for (const e of events) {
    // A seq twice in one batch: the second copy is checked against the stored row like a replay.
    if (inserted.delete(e.seq)) stored.push(e);
    else others.push(e);
  }
  if (others.length === 0) return { stored };
  const { rows } = await q.query<{ seq: number; event_id: string }>(
    'SELECT seq, event_id FROM kiosk_events WHERE kiosk_id = $1 AND seq = ANY($2::int[])',
    [kioskId, others.map((e) => e.seq)],
  );
  const ids = new Map(rows.map((r) => [Number(r.seq), r.event_id]));
  // A seq with no row here is below the high-water mark and was pruned by retention: a duplicate.
  const conflict = others.find((e) => ids.has(e.seq) && ids.get(e.seq) !== e.id);
  return conflict ? { stored, conflictSeq: conflict.seq } : { stored };
}

/**
 * The kiosk's latest status (issue 18): one row per kiosk, upserted from each heartbeat; a heartbeat with
 * a lower seq than the stored one (a late replay) changes nothing. Returns the payload it replaced (null for
 * the kiosk's first status), or undefined when it changed nothing — what the alerts compare against (issue 17).
 */
export async function upsertKioskStatus(
  q: Queryable,
  kioskId: string,
  h: { seq: number; payload: Record<string, unknown>; now: Date },
): Promise<Record<string, unknown> | null | undefined> {
  const { rows } = await q.query<{ previous: Record<string, unknown> | null }>(
    `WITH prev AS (SELECT payload FROM kiosk_status WHERE kiosk_id = $1)
     INSERT INTO kiosk_status (kiosk_id, seq, payload, heartbeat_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (kiosk_id) DO UPDATE SET seq = EXCLUDED.seq, payload = EXCLUDED.payload, heartbeat_at = EXCLUDED.heartbeat_at
      WHERE kiosk_status.seq < EXCLUDED.seq
     RETURNING (SELECT payload FROM prev) AS previous`,
    [kioskId, h.seq, JSON.stringify(h.payload), h.now],
  );
  return rows.length === 0 ? undefined : (rows[0]!.previous ?? null);
}

export async function flagKioskEvent(q: Queryable, kioskId: string, seq: number, flag: string): Promise<void> {
  await q.query('UPDATE kiosk_events SET flagged = $3 WHERE kiosk_id = $1 AND seq = $2', [kioskId, seq, flag.slice(0, 500)]);
}

/**
 * Takes the kiosk's sync lock for this transaction and returns its high-water mark. Two syncs of one
 * kiosk (a duplicated request, a retry racing a slow answer) run one after the other from here on.
 * One statement (issue 18): the upsert locks the row, new or not, and returns its newest version.
 */
export async function lockHighSeq(q: Queryable, kioskId: string, now: Date): Promise<number> {
  const { rows } = await q.query<{ high_seq: number }>(
    `INSERT INTO kiosk_sync_state (kiosk_id, high_seq, updated_at) VALUES ($1, 0, $2)
     ON CONFLICT (kiosk_id) DO UPDATE SET high_seq = kiosk_sync_state.high_seq RETURNING high_seq`,
    [kioskId, now],
  );
  return rows[0]?.high_seq ?? 0;
}

/**
 * Moves the high-water mark over every stored seq contiguous with it and returns it, one statement. Only
 * the events above the mark are read (normally just the batch), never the kiosk's whole history.
 */
export async function advanceHighSeq(q: Queryable, kioskId: string, from: number, now: Date): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `WITH high AS (
       SELECT COALESCE(max(seq), $2)::int AS n FROM (
         SELECT seq, row_number() OVER (ORDER BY seq) AS rn FROM kiosk_events WHERE kiosk_id = $1 AND seq > $2) s
        WHERE seq = $2 + rn),
     moved AS (UPDATE kiosk_sync_state SET high_seq = high.n, updated_at = $3 FROM high WHERE kiosk_id = $1 AND high.n <> $2)
     SELECT n FROM high`,
    [kioskId, from, now],
  );
  return rows[0]?.n ?? from;
}

export interface KioskEventRow {
  seq: number;
  event_id: string;
  type: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
  received_at: Date;
  flagged: string | null;
}

/** A kiosk's stored events in seq order (operator views and tests). */
export async function listKioskEvents(q: Queryable, kioskId: string): Promise<KioskEventRow[]> {
  const { rows } = await q.query<KioskEventRow>(
    'SELECT seq, event_id, type, payload, occurred_at, received_at, flagged FROM kiosk_events WHERE kiosk_id = $1 ORDER BY seq',
    [kioskId],
  );
  return rows;
}
