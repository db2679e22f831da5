import type { Clock } from '../../contract/clock';
import { newId } from '../../contract/clock';
import { SyncEventSchema, syncPayloadSchema, type SyncEvent, type SyncEventType, type SyncPayload } from '../../contract/sync-events';
import type { KioskDb } from './open-db';

/**
 * The outbox (PRODUCT.md "Offline-first"): one row per event for the cloud, written in the same
 * SQLite transaction as the change it reports. `seq` is AUTOINCREMENT, so a seq is never reused,
 * even after sent rows are pruned and the file is reopened.
 *
 * A quarantined row (refused permanently, or unreadable) stays in the queue: on the wire it becomes an
 * `outbox.quarantined` tombstone for the same seq and event id (contract/sync-events.ts), so the
 * cloud's contiguous high_seq passes it, the operator sees it, and the row itself is never deleted.
 */
export interface OutboxRow {
  seq: number;
  event_id: string;
  type: string;
  payload: string;
  occurred_at: string;
  sent_at: string | null;
  attempts: number;
  quarantined_reason: string | null;
}

/** Appends an event; the payload is checked against the contract schema before it is stored. */
export function appendOutbox<T extends SyncEventType>(db: KioskDb, clock: Clock, type: T, payload: SyncPayload<T>): number {
  const checked = syncPayloadSchema(type).parse(payload);
  const info = db
    .prepare('INSERT INTO outbox (event_id, type, payload, occurred_at) VALUES (?, ?, ?, ?)')
    .run(newId(), type, JSON.stringify(checked), clock.now().toISOString());
  return Number(info.lastInsertRowid);
}

/** Unsent rows in seq order, quarantined ones included (they go out as tombstones). */
export function listUnsent(db: KioskDb, limit: number): OutboxRow[] {
  return db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ?').all(limit) as OutboxRow[];
}

/** The event as sent: the row itself, or its tombstone when quarantined. Throws when the row does not parse. */
export function toSyncEvent(row: OutboxRow): SyncEvent {
  if (row.quarantined_reason !== null) return tombstone(row, row.quarantined_reason);
  return SyncEventSchema.parse({
    seq: row.seq,
    id: row.event_id,
    occurred_at: row.occurred_at,
    type: row.type,
    payload: JSON.parse(row.payload) as unknown,
  });
}

function tombstone(row: OutboxRow, reason: string): SyncEvent {
  const occurred = Number.isNaN(Date.parse(row.occurred_at)) ? new Date(0).toISOString() : new Date(row.occurred_at).toISOString();
  return {
    seq: row.seq,
    id: row.event_id,
    occurred_at: occurred,
    type: 'outbox.quarantined',
    payload: { original_type: row.type.slice(0, 100) || 'unknown', reason: reason.slice(0, 500) || 'quarantined' },
  };
}

/** Marks rows sent up to and including `highSeq` (the cloud's highest contiguous stored seq). */
export function markSentUpTo(db: KioskDb, clock: Clock, highSeq: number): number {
  return db.prepare('UPDATE outbox SET sent_at = ? WHERE seq <= ? AND sent_at IS NULL').run(clock.now().toISOString(), highSeq).changes;
}

export function countAttempt(db: KioskDb, seqs: number[]): void {
  const stmt = db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?');
  db.transaction(() => seqs.forEach((s) => stmt.run(s)))();
}

/** A row refused permanently: kept (never deleted) with the reason; from now on it is sent as a tombstone. */
export function quarantine(db: KioskDb, seq: number, reason: string): void {
  const info = db.prepare('UPDATE outbox SET quarantined_reason = ? WHERE seq = ?').run(reason.slice(0, 500) || 'quarantined', seq);
  if (info.changes !== 1) throw new Error(`outbox row ${seq} not found`);
}

/**
 * Retention: deletes rows synced before `syncedBefore` (all synced rows when absent). Unsynced and
 * quarantined rows are never deleted; AUTOINCREMENT keeps pruned seqs from ever coming back.
 */
export function pruneSent(db: KioskDb, syncedBefore?: Date): number {
  const cutoff = syncedBefore ? syncedBefore.toISOString() : '9999-12-31T23:59:59.999Z';
  return db.prepare('DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ? AND quarantined_reason IS NULL').run(cutoff).changes;
}

export function outboxDepth(db: KioskDb): number {
  return db.prepare('SELECT count(*) FROM outbox WHERE sent_at IS NULL').pluck().get() as number;
}

export function getOutboxRow(db: KioskDb, seq: number): OutboxRow | undefined {
  return db.prepare('SELECT * FROM outbox WHERE seq = ?').get(seq) as OutboxRow | undefined;
}

export interface OutboxCounts {
  outbox_depth: number;
  oldest_unsynced_at: string | null;
  quarantined: number;
}

/** What the technician's sync screen and the heartbeat show. */
export function outboxCounts(db: KioskDb): OutboxCounts {
  const r = db
    .prepare(
      `SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL) AS depth,
              (SELECT occurred_at FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT 1) AS oldest,
              (SELECT count(*) FROM outbox WHERE quarantined_reason IS NOT NULL) AS quarantined`,
    )
    .get() as { depth: number; oldest: string | null; quarantined: number };
  return { outbox_depth: r.depth, oldest_unsynced_at: r.oldest, quarantined: r.quarantined };
}
