import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  ConsoleAttentionResponseSchema,
  FleetKioskListQuerySchema,
  FleetKioskListResponseSchema,
  KioskDetailResponseSchema,
  TRANSACTION_CSV_COLUMNS,
  TransactionCsvQuerySchema,
  TransactionDetailResponseSchema,
  TransactionSearchQuerySchema,
  TransactionSearchResponseSchema,
} from '../../../contract/console-api';
import { FleetAttentionQuerySchema, RevokeKioskResponseSchema } from '../../../contract/fleet';
import { FleetCreditsQuerySchema, FleetCreditsResponseSchema, SettleCreditRequestSchema, SettleCreditResponseSchema } from '../../../contract/credits';
import { ErrorCodes } from '../../../contract/http';
import { listCredits, settleCredit, toCreditView } from '../db/credits';
import { decodeCursor, encodeCursor } from '../db/keyset-cursor';
import { csvStream } from '../csv';
import { iso } from '../db/db';
import { dailyCapsReached } from '../db/cash-caps';
import { listAttention, revokeKiosk, type AttentionItem } from '../db/fleet';
import { getKioskItem, listKiosksPage, recentKioskEvents } from '../db/kiosk-list';
import { getRemoteConfig, toRemoteConfig } from '../db/remote-config';
import { transactionDetail } from '../db/transaction-detail';
import { decorate, searchTransactionRows, searchTransactions } from '../db/transaction-search';
import type { Deps } from '../deps';
import { HttpError, notFound } from '../http-error';
import { attentionAction } from '../operators/attention-actions';
import { audit } from '../operators/audit';
import { ADMIN, apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, OPERATOR_ROLE, VIEWER } from './api-route';
import { pathIdParams } from './path-id';
import { dayWindow } from '../worldid/human-limits';

/** Rows per database page while streaming a CSV export. */
const CSV_PAGE = 1000;

const listOptions = (deps: Deps) => ({ now: deps.clock.now(), silentSec: deps.config.KIOSK_SILENT_SEC, lowCoins: deps.config.LOW_COINS_THRESHOLD });

/**
 * Operator routes (ARCHITECTURE.md "Cloud HTTP API", issue 17): the fleet (paged) and a kiosk's page, transaction
 * search (keyset-paged, any depth), its CSV export (streamed) and a transaction's whole trail, what needs a person
 * with the action that resolves it, kiosk revocation (admin), and the credits ledger with its settle action
 * (issue 15: viewer lists, operator settles).
 */
export const fleetRoutes = [
  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/kiosks',
      summary: 'the fleet, oldest kiosk first (keyset cursor), with health, coins, remote config versions and the payment mode',
      security: VIEWER,
      request: { query: FleetKioskListQuerySchema },
      responses: { 200: jsonResponse('a page of kiosks', FleetKioskListResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const page = await listKiosksPage(deps.db, { ...listOptions(deps), ...c.req.valid('query') });
      return c.json({ ...page, payment_mode: deps.config.PAYMENT_MODE, world_id_staging: deps.config.WORLD_ID_ALLOW_STAGING }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/kiosks/{id}',
      summary: "a kiosk's page: health, desired vs applied config, recent transactions, events and hopper faults",
      security: VIEWER,
      request: { params: pathIdParams('kiosk') },
      responses: { 200: jsonResponse('the kiosk', KioskDetailResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { id } = c.req.valid('param');
      const kiosk = await getKioskItem(deps.db, id, listOptions(deps));
      if (!kiosk) throw notFound('kiosk');
      const [config, page, events, faults] = await Promise.all([
        getRemoteConfig(deps.db, id),
        searchTransactions(deps.db, { kiosk_id: id, limit: 20 }),
        recentKioskEvents(deps.db, id, { limit: 50 }),
        recentKioskEvents(deps.db, id, { limit: 20, faults: true }),
      ]);
      return c.json({ kiosk, config: toRemoteConfig(config), transactions: page.items, events, hopper_faults: faults }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/fleet/kiosks/{id}/revoke',
      summary: "revoke a kiosk's token (admin)",
      security: ADMIN,
      request: { params: pathIdParams('kiosk') },
      responses: { 200: jsonResponse('revoked', RevokeKioskResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { id } = c.req.valid('param');
      const revoked = await deps.db.tx(async (q) => {
        const before = await q.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM kiosks WHERE id = $1 FOR UPDATE', [id]);
        const r = await revokeKiosk(q, id, deps.clock.now());
        // A repeated revocation changes nothing and is not a new action.
        if (r && before.rows[0]?.revoked_at === null) await audit(c, deps, 'kiosk.revoke', { q, target: id });
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
      summary: 'transaction search (receipt code, id, kiosk, status, date range), newest first, keyset cursor with no depth limit',
      security: VIEWER,
      request: { query: TransactionSearchQuerySchema },
      responses: { 200: jsonResponse('a page', TransactionSearchResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => c.json(await searchTransactions(deps.db, c.req.valid('query')), 200),
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/transactions.csv',
      summary: 'every transaction of a search as CSV (streamed; same filters)',
      security: VIEWER,
      request: { query: TransactionCsvQuerySchema },
      responses: { 200: { description: `text/csv: ${TRANSACTION_CSV_COLUMNS.join(',')}`, content: { 'text/csv': { schema: z.string() } } }, ...ERROR_RESPONSES },
    }),
    (deps) => (c) => {
      const filters = c.req.valid('query');
      let after: { t: string; id: string } | undefined;
      let done = false;
      const stream = csvStream(
        TRANSACTION_CSV_COLUMNS,
        async () => {
          if (done) return undefined;
          const rows = await searchTransactionRows(deps.db, filters, { after, limit: CSV_PAGE });
          const last = rows[rows.length - 1];
          if (rows.length < CSV_PAGE || !last) done = true;
          if (last) after = { t: iso(last.created_at), id: last.id };
          return (await decorate(deps.db, rows)).map(({ events: _events, ...t }) => t);
        },
        (t) => TRANSACTION_CSV_COLUMNS.map((col) => t[col]),
      );
      return c.body(stream, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="transactions.csv"',
        'cache-control': 'no-store',
      }) as never;
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/transactions/{id}',
      summary: "a transaction's whole trail: cloud events, kiosk events, job, payments and credits",
      security: VIEWER,
      request: { params: pathIdParams('transaction') },
      responses: { 200: jsonResponse('the transaction', TransactionDetailResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const detail = await transactionDetail(deps.db, c.req.valid('param').id);
      if (!detail) throw notFound('transaction');
      return c.json(detail, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/attention',
      summary: 'what needs a person, each with the action that resolves it',
      security: VIEWER,
      request: { query: FleetAttentionQuerySchema },
      responses: { 200: jsonResponse('oldest first', ConsoleAttentionResponseSchema), ...ERROR_RESPONSES },
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
      return c.json({ items: items.map((i) => ({ ...i, action: attentionAction(i) })) }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/credits',
      summary: 'what customers are owed (issue 15), oldest first, paged',
      security: VIEWER,
      request: { query: FleetCreditsQuerySchema },
      responses: { 200: jsonResponse('a page of credits; next_cursor continues it', FleetCreditsResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const f = c.req.valid('query');
      const page = await listCredits(deps.db, { state: f.state, cursor: f.cursor === undefined ? undefined : decodeCursor(f.cursor), limit: f.limit });
      return c.json({ items: page.items.map(toCreditView), next_cursor: page.next ? encodeCursor(page.next) : null }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/fleet/credits/{id}/settle',
      summary: 'settle an open credit as refunded (with a reference) or waived (with a reason)',
      security: OPERATOR_ROLE,
      request: { params: pathIdParams('credit'), body: jsonBody(SettleCreditRequestSchema) },
      responses: { 200: jsonResponse('the settled credit', SettleCreditResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const settle = body.state === 'refunded' ? { to: body.state, reference: body.reference } : { to: body.state, reason: body.reason };
      const actor = c.get('operator').actor;
      const out = await deps.db.tx(async (q) => {
        const r = await settleCredit(q, { id, ...settle, actor: `operator:${actor}`, now: deps.clock.now() });
        if (r.ok) await audit(c, deps, 'credit.settle', { q, target: id, details: { ...body } });
        return r;
      });
      if (!out.ok && out.why === 'not_found') throw notFound('credit');
      if (!out.ok && out.why === 'held_by_claim') {
        throw new HttpError(409, ErrorCodes.creditNotOpen, 'a claim is paying this credit out right now; settle it after its payout result');
      }
      if (!out.ok) throw new HttpError(409, ErrorCodes.creditNotOpen, `this credit is ${out.state ?? 'not open'}; only an open credit can be settled`);
      deps.log.info({ credit_id: id, state: out.credit.state }, 'credit settled by the operator');
      return c.json(toCreditView(out.credit), 200);
    },
  ),
];
