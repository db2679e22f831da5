import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { ErrorBodySchema } from '../../../contract/http';
import { apiRoute, jsonResponse, PUBLIC } from './api-route';

const HealthSchema = z.object({ ok: z.literal(true) });
const UnhealthySchema = ErrorBodySchema.extend({ ok: z.literal(false) });

/** GET /healthz: 200 when the database answers, 503 otherwise. */
export const healthRoutes = [
  apiRoute(
    createRoute({
      method: 'get',
      path: '/healthz',
      summary: '200 when the database answers',
      security: PUBLIC,
      responses: { 200: jsonResponse('the database answers', HealthSchema), 503: jsonResponse('the database does not answer', UnhealthySchema) },
    }),
    (deps) => async (c) => {
      try {
        await deps.db.query('SELECT 1');
        return c.json({ ok: true as const }, 200);
      } catch (err) {
        deps.log.warn({ err }, 'health check: database did not answer');
        return c.json({ ok: false as const, error: { code: 'dependency_down', message: 'database unavailable' } }, 503);
      }
    },
  ),
];
