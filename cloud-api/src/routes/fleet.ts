import { createRoute } from '@hono/zod-openapi';
import type { z } from 'zod';
import {
  FleetAttentionQuerySchema,
  FleetAttentionResponseSchema,
  FleetTransactionsQuerySchema,
  FleetTransactionsResponseSchema,
  RevokeKioskResponseSchema,
  type FleetTransactionSchema,
} from '../../../contract/fleet';
import { FleetKioskListQuerySchema, FleetKiosksPageResponseSchema } from '../../../contract/console-api';
import { listTransactionEvents } from '../db/events';
import { dailyCapsReached } from '../db/cash-caps';
import { decodeCursor, encodeCursor } from '../db/keyset-cursor';
import { listAttention, listKioskHealth, revokeKiosk, summariesFor, type AttentionItem } from '../db/fleet';
import { listTransactions, toTransactionView } from '../db/transactions';
import { notFound } from '../http-error';
import { ADMIN, apiRoute, ERROR_RESPONSES, jsonResponse, VIEWER } from './api-route';
import { audit } from '../operators/audit';
import { pathIdParams } from './path-id';
import { dayWindow } from '../worldid/human-limits';

/**
 * Operator routes (ARCHITECTURE.md "Cloud HTTP API"): fleet health with the payment mode, transactions
 * with their audit trail (three queries for any page size), what needs a person, and kiosk revocation.
 */
export const fleetRoutes = [
  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/kiosks',
      summary: 'fleet health and the payment mode, a page at a time (next_cursor)',
      security: VIEWER,
      request: { query: FleetKioskListQuerySchema },
      responses: { 200: jsonResponse('a page of kiosks, oldest enrolled first', FleetKiosksPageResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { cursor, limit } = c.req.valid('query');
      const page = await listKioskHealth(deps.db, {
        now: deps.clock.now(), silentSec: deps.config.KIOSK_SILENT_SEC, limit, ...(cursor ? { after: decodeCursor(cursor) } : {}),
      });
      return c.json({
        payment_mode: deps.config.PAYMENT_MODE, world_id_staging: deps.config.WORLD_ID_ALLOW_STAGING,
        items: page.items, next_cursor: page.next ? encodeCursor(page.next) : null,
      }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/fleet/kiosks/{id}/revoke',
      summary: "revoke a kiosk's token",
      security: ADMIN,
      request: { params: pathIdParams('kiosk') },
      responses: { 200: jsonResponse('revoked', RevokeKioskResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { id } = c.req.valid('param');
      const revoked = await deps.db.tx(async (q) => {
        const r = await revokeKiosk(q, id, deps.clock.now());
        if (r) await audit(c, deps, 'kiosk.revoke', { q, target: id });
        return r;
      });
      if (!revoked) throw notFound('kiosk');
      deps.log.info({ kiosk_id: id }, 'kiosk token revoked');
      return c.json({ kiosk_id: id, revoked_at: revoked.revoked_at }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/transactions',
      summary: 'transactions with job, payment and audit trail',
      security: VIEWER,
      request: { query: FleetTransactionsQuerySchema },
      responses: { 200: jsonResponse('newest first', FleetTransactionsResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const f = c.req.valid('query');
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
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/attention',
      summary: 'what needs a person',
      security: VIEWER,
      request: { query: FleetAttentionQuerySchema },
      responses: { 200: jsonResponse('oldest first', FleetAttentionResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const f = c.req.valid('query');
      const cfg = deps.config;
      const now = deps.clock.now();
      const listed = await listAttention(deps.db, { now, silentSec: cfg.KIOSK_SILENT_SEC, stuckSec: cfg.JOB_STUCK_SEC, limit: f.limit });
      // A daily cash cap reached today (db/cash-caps.ts): every cash-out there is refused until the day ends.
      const day = dayWindow(now, cfg.PER_HUMAN_DAY_TIME_ZONE);
      const caps = await dailyCapsReached(deps.db, {
        caps: { kioskCents: cfg.KIOSK_DAILY_CAP_CENTS, fleetCents: cfg.FLEET_DAILY_CAP_CENTS }, minCents: cfg.MIN_AMOUNT_CENTS, now, day,
      });
      const capItems: AttentionItem[] = caps.map((r) => ({
        kind: r.kind, kiosk_id: r.kiosk_id, transaction_id: null, ref_id: `${r.kiosk_id ?? 'fleet'}:${day.start.toISOString()}`,
        since: day.start.toISOString(), detail: { used_cents: r.used_cents, cap_cents: r.cap_cents },
      }));
      const items = [...listed, ...capItems].sort((a, b) => a.since.localeCompare(b.since)).slice(0, f.limit);
      return c.json({ items }, 200);
    },
  ),
];
