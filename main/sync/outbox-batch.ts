import type { Logger } from 'pino';
import type { SyncEvent } from '../../contract/sync-events';
import type { KioskDb } from '../db/open-db';
import { getOutboxRow, listUnsent, quarantine, toSyncEvent, type OutboxRow } from '../db/outbox';

/**
 * Batch bounds (issue 4: "ordered batches bounded by count and bytes"). The cloud takes at most 1000
 * events (contract/http.ts) and 64 KiB per body (cloud-api/src/app.ts BODY_LIMIT_BYTES; a bigger body
 * is a 413), so a batch stays under 56 KiB of JSON.
 */
export const MAX_BATCH_EVENTS = 200;
export const MAX_BATCH_BYTES = 56 * 1024;
/** JSON overhead of `{"events":[...]}` around the events. */
const ENVELOPE_BYTES = 20;

export interface BatchLimits {
  maxEvents?: number;
  maxBytes?: number;
}

export interface BatchItem {
  row: OutboxRow;
  event: SyncEvent;
}

/**
 * The next batch in seq order: at most `maxEvents` events and `maxBytes` of JSON (one event alone may
 * exceed the byte bound; the cloud then refuses it and it is quarantined). A row that no longer parses
 * against the contract is quarantined here and goes out as its tombstone, never blocking the queue.
 */
export function nextBatch(db: KioskDb, log: Logger, limits: BatchLimits = {}): BatchItem[] {
  const maxEvents = limits.maxEvents ?? MAX_BATCH_EVENTS;
  const maxBytes = limits.maxBytes ?? MAX_BATCH_BYTES;
  const batch: BatchItem[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const listed of listUnsent(db, maxEvents)) {
    const { row, event } = readable(db, log, listed);
    const size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (batch.length > 0 && bytes + size > maxBytes) break;
    bytes += size;
    batch.push({ row, event });
  }
  return batch;
}

function readable(db: KioskDb, log: Logger, row: OutboxRow): BatchItem {
  try {
    return { row, event: toSyncEvent(row) };
  } catch (e) {
    const reason = `unreadable: ${e instanceof Error ? e.message.replace(/\s+/g, ' ').slice(0, 300) : 'does not parse'}`;
    log.error({ seq: row.seq, type: row.type }, 'an outbox row no longer matches the contract; quarantined and sent as a tombstone');
    quarantine(db, row.seq, reason);
    const again = getOutboxRow(db, row.seq) ?? row;
    return { row: again, event: toSyncEvent(again) };
  }
}
