import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { MINIAPP_SCRIPT_HEADERS, miniappPageHeaders, miniappPageHtml, miniappScript, MINIAPP_SCRIPT_PATH } from '../../miniapp';
import { apiRoute, ERROR_RESPONSES, PUBLIC } from './api-route';
import { pathIdParams } from './path-id';

/** The mini app payment page and its one same-origin script (cloud-api/miniapp, world-id.md). */
export const miniappRoutes = [
  apiRoute(
    createRoute({
      method: 'get',
      path: '/miniapp/pay/{id}',
      summary: 'the World App mini app payment page',
      security: PUBLIC,
      request: { params: pathIdParams('payment page') },
      responses: { 200: { description: 'the page', content: { 'text/html': { schema: z.string() } } }, ...ERROR_RESPONSES },
    }),
    (deps) => (c) => c.body(miniappPageHtml(c.req.valid('param').id, { appId: deps.config.WORLD_ID_APP_ID }), 200, miniappPageHeaders()),
  ),
  apiRoute(
    createRoute({
      method: 'get',
      path: MINIAPP_SCRIPT_PATH,
      summary: "the payment page's script",
      security: PUBLIC,
      responses: { 200: { description: 'the script', content: { 'text/javascript': { schema: z.string() } } }, ...ERROR_RESPONSES },
    }),
    () => async (c) => c.body(await miniappScript(), 200, MINIAPP_SCRIPT_HEADERS),
  ),
];
