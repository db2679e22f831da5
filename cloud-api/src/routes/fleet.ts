import { Hono } from 'hono';
import { z } from 'zod';
import { ErrorCodes } from '../../../contract/http';
import { UuidSchema } from '../../../contract/ids';
import { TransactionStatusSchema } from '../../../contract/transaction';
import { iso } from '../db/db';
import { listTransactionEvents } from '../db/events';
import { getJobForTransaction } from '../db/jobs';
import { listTransactions, toTransactionView } from '../db/transactions';
import type { AppEnv, Deps } from '../deps';
import { HttpError } from '../http-error';
import { operatorAuth } from './auth';

const QuerySchema = z.strictObject({
  kiosk_id: UuidSchema.optional(),
  status: TransactionStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/**
 * GET /v1/fleet/transactions (operator): newest first, each with its audit events and its job.
 * A minimal view; the full fleet endpoints come later (ARCHITECTURE.md "Cloud HTTP API").
 */
export function fleetRoutes(deps: Deps) {
  return new Hono<AppEnv>().get('/v1/fleet/transactions', operatorAuth(deps), async (c) => {
    const parsed = QuerySchema.safeParse(c.req.query());
    if (!parsed.success) throw new HttpError(400, ErrorCodes.malformed, 'use kiosk_id (uuid), status and limit (1–500)');
    const f = parsed.data;
    const rows = await listTransactions(deps.db, { kioskId: f.kiosk_id, status: f.status, limit: f.limit });
    const events = await listTransactionEvents(deps.db, rows.map((r) => r.id));
    const transactions = await Promise.all(
      rows.map(async (r) => {
        const job = await getJobForTransaction(deps.db, r.id);
        return {
          ...toTransactionView(r),
          events: events.get(r.id) ?? [],
          job: job ? { id: job.id, status: job.status, coins: job.coins, coins_paid: job.coins_paid, expires_at: iso(job.expires_at) } : null,
        };
      }),
    );
    return c.json({ transactions }, 200);
  });
}
