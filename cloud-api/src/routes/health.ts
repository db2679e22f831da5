import { Hono } from 'hono';
import type { AppEnv, Deps } from '../deps';

/** GET /healthz: 200 when the database answers, 503 otherwise. */
export function healthRoutes(deps: Deps) {
  return new Hono<AppEnv>().get('/healthz', async (c) => {
    try {
      await deps.db.query('SELECT 1');
      return c.json({ ok: true });
    } catch (err) {
      deps.log.warn({ err }, 'health check: database did not answer');
      return c.json({ ok: false, error: { code: 'dependency_down', message: 'database unavailable' } }, 503);
    }
  });
}
