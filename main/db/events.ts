import type { Clock } from '../../contract/clock';
import { newId } from '../../contract/clock';
import type { KioskDb } from './open-db';

/** Append-only audit trail (PRODUCT.md "Money rules": every state change is an audit event). */
export interface AuditEvent {
  type: string;
  transaction_id?: string | null;
  job_id?: string | null;
  data?: Record<string, unknown>;
}

export function appendEvent(db: KioskDb, clock: Clock, event: AuditEvent): string {
  const id = newId();
  const info = db
    .prepare('INSERT INTO events (id, transaction_id, job_id, type, data, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, event.transaction_id ?? null, event.job_id ?? null, event.type, JSON.stringify(event.data ?? {}), clock.now().toISOString());
  if (info.changes !== 1) throw new Error('audit event not written');
  return id;
}

export interface EventRow {
  id: string;
  transaction_id: string | null;
  job_id: string | null;
  type: string;
  data: string;
  created_at: string;
}

export function eventsForTransaction(db: KioskDb, transactionId: string): EventRow[] {
  return db.prepare('SELECT * FROM events WHERE transaction_id = ? ORDER BY rowid').all(transactionId) as EventRow[];
}
