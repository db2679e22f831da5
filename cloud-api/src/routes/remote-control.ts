import { createRoute } from '@hono/zod-openapi';
import { KioskConfigResponseSchema, KioskOverridesSchema, KioskServiceRequestSchema } from '../../../contract/console-api';
import { toRemoteConfig, updateRemoteConfig } from '../db/remote-config';
import { notFound } from '../http-error';
import { audit } from '../operators/audit';
import { ADMIN, apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, OPERATOR_ROLE } from './api-route';
import { pathIdParams } from './path-id';

/**
 * Remote control that waits for idle (issue 17, contract/remote-config.ts): the operator changes the desired state, the
 * version goes up, the next sync answer carries it, and the kiosk applies it when no session is open and says so.
 */
async function kioskExists(q: { query: (sql: string, p: unknown[]) => Promise<{ rows: unknown[] }> }, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM kiosks WHERE id = $1', [id])).rows.length > 0;
}

export const remoteControlRoutes = [
  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/fleet/kiosks/{id}/service',
      summary: 'take a kiosk out of service (with a reason) or back in service; applied by the kiosk when idle',
      security: OPERATOR_ROLE,
      request: { params: pathIdParams('kiosk'), body: jsonBody(KioskServiceRequestSchema) },
      responses: { 200: jsonResponse('the desired config, version bumped', KioskConfigResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const row = await deps.db.tx(async (q) => {
        if (!(await kioskExists(q, id))) return undefined;
        const r = await updateRemoteConfig(q, id, { in_service: body.in_service, reason: body.in_service ? null : (body.reason ?? null) }, {
          now: deps.clock.now(), by: c.get('operator').actor,
        });
        await audit(c, deps, body.in_service ? 'kiosk.in_service' : 'kiosk.out_of_service', { q, target: id, details: { reason: body.reason ?? null, version: r.version } });
        return r;
      });
      if (!row) throw notFound('kiosk');
      return c.json({ kiosk_id: id, config: toRemoteConfig(row) }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'put',
      path: '/v1/fleet/kiosks/{id}/overrides',
      summary: "replace a kiosk's overrides of the limits and fee ({} clears them); applied by the kiosk when idle",
      security: ADMIN,
      request: { params: pathIdParams('kiosk'), body: jsonBody(KioskOverridesSchema) },
      responses: { 200: jsonResponse('the desired config, version bumped', KioskConfigResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { id } = c.req.valid('param');
      const overrides = c.req.valid('json');
      const row = await deps.db.tx(async (q) => {
        if (!(await kioskExists(q, id))) return undefined;
        const r = await updateRemoteConfig(q, id, { overrides }, { now: deps.clock.now(), by: c.get('operator').actor });
        await audit(c, deps, 'kiosk.overrides', { q, target: id, details: { overrides, version: r.version } });
        return r;
      });
      if (!row) throw notFound('kiosk');
      return c.json({ kiosk_id: id, config: toRemoteConfig(row) }, 200);
    },
  ),
];
