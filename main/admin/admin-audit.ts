import type { Clock } from '../../contract/clock';
import { appendEvent } from '../db/events';
import type { KioskDb } from '../db/open-db';
import { appendOutbox } from '../db/outbox';

/**
 * Every state-changing admin action is an audit `events` row (type `admin.<action>`) plus an
 * `admin.action` outbox event for the cloud, written in ONE SQLite transaction together with the
 * change itself (issue 6 "Every admin action is an audit event that syncs to the cloud"). If any
 * part throws, none of it is stored. Details never carry a PIN, code or token.
 */
export function recordAdminAction<T>(
  db: KioskDb,
  clock: Clock,
  action: string,
  detail: Record<string, unknown>,
  change?: () => T,
): T | undefined {
  return db.transaction(() => {
    const result = change?.();
    appendEvent(db, clock, { type: `admin.${action}`, data: detail });
    appendOutbox(db, clock, 'admin.action', { action, detail });
    return result;
  })();
}
