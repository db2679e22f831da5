import { Hono } from 'hono';
import {
  FleetAttentionQuerySchema,
  FleetTransactionsQuerySchema,
  NoQuerySchema,
  type FleetTransactionSchema,
} from '../../../contract/fleet';
import type { z } from 'zod';
import { listTransactionEvents } from '../db/events';
import { listAttention, listKioskHealth, revokeKiosk, summariesFor } from '../db/fleet';
import { listTransactions, toTransactionView } from '../db/transactions';
import type { AppEnv, Deps } from '../deps';
import { notFound } from '../http-error';
import { operatorAuth } from './auth';
import { readQuery } from './request-body';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Operator routes (ARCHITECTURE.md "Cloud HTTP API"): fleet health with the payment mode, transactions
 * with their audit trail (three queries for any page size), what needs a person, and kiosk revocation.
 */
export function fleetRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const auth = operatorAuth(deps);

  app.get('/v1/fleet/kiosks', auth, async (c) => {
    readQuery(c, NoQuerySchema, 'this route takes no query parameters');
    const kiosks = await listKioskHealth(deps.db, { now: deps.clock.now(), silentSec: deps.config.KIOSK_SILENT_SEC });
    return c.json({ payment_mode: deps.config.PAYMENT_MODE, world_id_staging: deps.config.WORLD_ID_ALLOW_STAGING, kiosks }, 200);
  });

  app.post('/v1/fleet/kiosks/:id/revoke', auth, async (c) => {
    const id = c.req.param('id');
    const revoked = UUID.test(id) ? await revokeKiosk(deps.db, id, deps.clock.now()) : undefined;
    if (!revoked) throw notFound('kiosk');
    deps.log.info({ kiosk_id: id }, 'kiosk token revoked');
    return c.json({ kiosk_id: id, revoked_at: revoked.revoked_at }, 200);
  });

  app.get('/v1/fleet/transactions', auth, async (c) => {
    const f = readQuery(c, FleetTransactionsQuerySchema, 'use kiosk_id (uuid), status, since (ISO time) and limit (1–500)');
    const rows = await listTransactions(deps.db, { kioskId: f.kiosk_id, status: f.status, since: f.since ? new Date(f.since) : undefined, limit: f.limit });
    const ids = rows.map((r) => r.id);
    const [events, summaries] = await Promise.all([listTransactionEvents(deps.db, ids), summariesFor(deps.db, ids)]);
    const transactions: Array<z.infer<typeof FleetTransactionSchema>> = rows.map((r) => ({
      ...toTransactionView(r),
      payment_status: summaries.get(r.id)?.payment_status ?? null,
      job: summaries.get(r.id)?.job ?? null,
      events: events.get(r.id) ?? [],
    }));
    return c.json({ transactions }, 200);
  });

  app.get('/v1/fleet/attention', auth, async (c) => {
    const f = readQuery(c, FleetAttentionQuerySchema, 'use limit (1–1000)');
    const cfg = deps.config;
    const items = await listAttention(deps.db, { now: deps.clock.now(), silentSec: cfg.KIOSK_SILENT_SEC, stuckSec: cfg.JOB_STUCK_SEC, limit: f.limit });
    return c.json({ items }, 200);
  });
  return app;
}
