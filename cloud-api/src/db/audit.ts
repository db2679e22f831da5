import { newId } from '../../../contract/clock';
import { iso, type Queryable } from './db';
import { decodeCursor, pageFrom } from './keyset-cursor';

/** Operator audit events (issue 17): every operator action with its actor (an account's email or `service:<name>`). */
export interface AuditInput {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

export async function insertAudit(q: Queryable, e: AuditInput, now: Date): Promise<void> {
  await q.query('INSERT INTO audit_events (id, at, actor, action, target, details) VALUES ($1, $2, $3, $4, $5, $6)', [
    newId(), now, e.actor, e.action, e.target ?? null, JSON.stringify(e.details ?? {}),
  ]);
}

/** Newest first, keyset-paged on (at, id). */
export async function listAudit(q: Queryable, o: { cursor?: string; limit: number }) {
  const after = o.cursor ? decodeCursor(o.cursor) : undefined;
  const { rows } = await q.query<{ id: string; at: Date; actor: string; action: string; target: string | null; details: Record<string, unknown> }>(
    `SELECT id, at, actor, action, target, details FROM audit_events
      WHERE ($1::timestamptz IS NULL OR (at, id) < ($1::timestamptz, $2::uuid))
      ORDER BY at DESC, id DESC LIMIT $3`,
    [after?.t ?? null, after?.id ?? null, o.limit + 1],
  );
  return pageFrom(rows, o.limit, (r) => ({ t: iso(r.at), id: r.id }), (r) => ({ ...r, at: iso(r.at) }));
}
