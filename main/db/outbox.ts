import type { Clock } from '../../contract/clock';
import { newId } from '../../contract/clock';
import { SyncEventSchema, syncPayloadSchema, type SyncEvent, type SyncEventType, type SyncPayload } from '../../contract/sync-events';
import type { KioskDb } from './open-db';

/**
 * The outbox (PRODUCT.md "Offline-first"): one row per event for the cloud, written in the same
 * SQLite transaction as the change it reports. `seq` is AUTOINCREMENT, so a seq is never reused,
 * even after sent rows are pruned and the file is reopened.
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

/** Unsent, unquarantined rows in seq order. */
export function listUnsent(db: KioskDb, limit: number): OutboxRow[] {
  return db
    .prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND quarantined_reason IS NULL ORDER BY seq LIMIT ?')
    .all(limit) as OutboxRow[];
}

export function toSyncEvent(row: OutboxRow): SyncEvent {
  return SyncEventSchema.parse({
    seq: row.seq,
    id: row.event_id,
    occurred_at: row.occurred_at,
    type: row.type,
    payload: JSON.parse(row.payload) as unknown,
  });
}

/** Marks rows sent up to and including `highSeq` (the cloud's highest contiguous stored seq). */
export function markSentUpTo(db: KioskDb, clock: Clock, highSeq: number): number {
  return db
    .prepare('UPDATE outbox SET sent_at = ? WHERE seq <= ? AND sent_at IS NULL AND quarantined_reason IS NULL')
    .run(clock.now().toISOString(), highSeq).changes;
}

export function countAttempt(db: KioskDb, seqs: number[]): void {
  const stmt = db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?');
  db.transaction(() => seqs.forEach((s) => stmt.run(s)))();
}

/** A row the cloud refused permanently: kept (never deleted) with the reason, and skipped by the pusher. */
export function quarantine(db: KioskDb, seq: number, reason: string): void {
  const info = db.prepare('UPDATE outbox SET quarantined_reason = ? WHERE seq = ?').run(reason.slice(0, 500), seq);
  if (info.changes !== 1) throw new Error(`outbox row ${seq} not found`);
}

/** Deletes sent rows; AUTOINCREMENT keeps their seqs from ever coming back. */
export function pruneSent(db: KioskDb): number {
  return db.prepare('DELETE FROM outbox WHERE sent_at IS NOT NULL').run().changes;
}

export function outboxDepth(db: KioskDb): number {
  return db.prepare('SELECT count(*) FROM outbox WHERE sent_at IS NULL AND quarantined_reason IS NULL').pluck().get() as number;
}

export function getOutboxRow(db: KioskDb, seq: number): OutboxRow | undefined {
  return db.prepare('SELECT * FROM outbox WHERE seq = ?').get(seq) as OutboxRow | undefined;
}
