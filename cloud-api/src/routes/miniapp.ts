import { Hono } from 'hono';
import { MINIAPP_SCRIPT_HEADERS, miniappPageHeaders, miniappPageHtml, miniappScript, MINIAPP_SCRIPT_PATH } from '../../miniapp';
import type { AppEnv, Deps } from '../deps';
import { notFound } from '../http-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The mini app payment page and its one same-origin script (cloud-api/miniapp, world-id.md). */
export function miniappRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/miniapp/pay/:id', (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id)) throw notFound('payment page');
    return c.body(miniappPageHtml(id, { appId: deps.config.WORLD_ID_APP_ID }), 200, miniappPageHeaders());
  });
  app.get(MINIAPP_SCRIPT_PATH, async (c) => c.body(await miniappScript(), 200, MINIAPP_SCRIPT_HEADERS));
  return app;
}
