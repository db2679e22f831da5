import { Hono } from 'hono';
import type { AppEnv, Deps } from '../deps';
import { buildOpenApi } from '../openapi';

/** GET /openapi.json (public): the API description, built once per app. */
export function openapiRoutes(_deps: Deps) {
  const doc = buildOpenApi();
  return new Hono<AppEnv>().get('/openapi.json', (c) => c.json(doc, 200));
}
