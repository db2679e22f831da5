import { createRoute } from '@hono/zod-openapi';
import {
  CreatedWebhookResponseSchema,
  CreateWebhookRequestSchema,
  OkResponseSchema,
  PageQuerySchema,
  WebhookDeliveriesResponseSchema,
  WebhooksResponseSchema,
} from '../../../contract/console-api';
import { ErrorCodes } from '../../../contract/http';
import { insertWebhook, listDeliveries, listWebhooks, removeWebhook, toWebhookView, webhookExists } from '../db/webhooks';
import { HttpError, notFound } from '../http-error';
import { audit } from '../operators/audit';
import { randomToken } from '../secrets';
import { webhookUrlProblem } from '../webhooks/url-rule';
import { ADMIN, apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, VIEWER } from './api-route';
import { pathIdParams } from './path-id';
import { readNoFields } from './request-body';

/**
 * Webhooks (issue 17): alerts on low coins, hopper fault, silent kiosk, payout in doubt and credit opened, HMAC-signed
 * and retried by the sender (webhooks/deliver.ts). Viewers read the list and the delivery log; adding and removing a
 * webhook is configuration (admin), each an audit event. The signing secret is answered once, at creation.
 */
export const webhookRoutes = [
  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/webhooks',
      summary: 'webhooks (their secrets are never shown again)',
      security: VIEWER,
      responses: { 200: jsonResponse('every webhook not removed, oldest first', WebhooksResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => c.json({ items: (await listWebhooks(deps.db)).map(toWebhookView) }, 200),
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/fleet/webhooks',
      summary: 'add a webhook: its signing secret (whsec_…) is answered once; https only in production, except to this machine',
      security: ADMIN,
      request: { body: jsonBody(CreateWebhookRequestSchema) },
      responses: { 201: jsonResponse('created', CreatedWebhookResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const body = c.req.valid('json');
      const problem = webhookUrlProblem(body.url, { production: deps.config.NODE_ENV === 'production' });
      if (problem) throw new HttpError(400, ErrorCodes.malformed, `invalid request body — ${problem}`);
      const events = [...new Set(body.events)];
      const secret = `whsec_${randomToken()}`;
      const row = await deps.db.tx(async (q) => {
        const w = await insertWebhook(q, { url: body.url, events, secret, by: c.get('operator').actor, now: deps.clock.now() });
        await audit(c, deps, 'webhook.add', { q, target: w.id, details: { url: w.url, events } });
        return w;
      });
      return c.json({ webhook: toWebhookView(row), secret }, 201);
    },
  ),

  apiRoute(
    createRoute({
      method: 'delete',
      path: '/v1/fleet/webhooks/{id}',
      summary: 'remove a webhook: nothing more is sent to it; its pending deliveries end failed; the log stays',
      security: ADMIN,
      request: { params: pathIdParams('webhook') },
      responses: { 200: jsonResponse('removed', OkResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      await readNoFields(c);
      const { id } = c.req.valid('param');
      const removed = await deps.db.tx(async (q) => {
        const r = await removeWebhook(q, id, deps.clock.now());
        if (r) await audit(c, deps, 'webhook.remove', { q, target: id, details: { url: r.row.url, pending_cancelled: r.cancelled } });
        return r;
      });
      if (!removed) throw notFound('webhook');
      return c.json({ ok: true as const }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/webhooks/{id}/deliveries',
      summary: "a webhook's delivery log, newest first (keyset cursor): status, attempts, last answer, next retry",
      security: VIEWER,
      request: { params: pathIdParams('webhook'), query: PageQuerySchema },
      responses: { 200: jsonResponse('a page', WebhookDeliveriesResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { id } = c.req.valid('param');
      if (!(await webhookExists(deps.db, id))) throw notFound('webhook');
      return c.json(await listDeliveries(deps.db, id, c.req.valid('query')), 200);
    },
  ),
];
