import type { Context } from 'hono';
import type { Queryable } from '../db/db';
import { insertAudit } from '../db/audit';
import type { AppEnv, Deps } from '../deps';

/**
 * Records one operator action (issue 17 "Every operator action is an audit event with the actor"). Pass the
 * transaction's Queryable when the action writes, so the action and its audit event commit together.
 */
export async function audit(
  c: Context<AppEnv>,
  deps: Deps,
  action: string,
  o: { target?: string | null; details?: Record<string, unknown>; q?: Queryable } = {},
): Promise<void> {
  const actor = c.get('operator').actor;
  await insertAudit(o.q ?? deps.db, { actor, action, target: o.target ?? null, details: o.details }, deps.clock.now());
}
