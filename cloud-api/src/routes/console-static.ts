import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { ErrorCodes } from '../../../contract/http';
import type { AppEnv } from '../deps';
import { errorBody } from '../http-error';

/**
 * GET /console/ (issue 17): the operator console, a static bundle Vite builds from console/ into
 * cloud-api/dist-console (`npm run build:console`). Served by the cloud itself, no CDN: same origin as the
 * API, so the session cookie (SameSite=Strict) and the CSRF header work without CORS. Hashed assets are
 * cached for a year; index.html never. The CSP allows only this origin (no inline script, no eval).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Where the bundle is: next to src/ when run from source (tsx), next to dist/ when run from the build. */
export function defaultConsoleDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, '..', '..', 'dist-console'), join(here, '..', 'dist-console')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0]!;
}

/** One file name inside assets/: letters, digits, `.`, `_`, `-` (no path separators, so no way out of the folder). */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$/;

export function mountConsole(app: Hono<AppEnv>, dir: string = defaultConsoleDir()): void {
  app.get('/console', (c) => c.redirect('/console/', 301));
  app.get('/console/', async (c) => {
    const html = await readFile(join(dir, 'index.html')).catch(() => null);
    if (!html) return c.json(errorBody(ErrorCodes.notFound, 'the console is not built here: run `npm run build:console`'), 404);
    return c.body(html, 200, { ...SECURITY_HEADERS, 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' });
  });
  app.get('/console/assets/:name', async (c) => {
    const name = c.req.param('name');
    if (!ASSET_NAME.test(name) || name.includes('..')) return c.json(errorBody(ErrorCodes.notFound, 'no such file'), 404);
    const body = await readFile(join(dir, 'assets', name)).catch(() => null);
    if (!body) return c.json(errorBody(ErrorCodes.notFound, 'no such file'), 404);
    return c.body(body, 200, {
      ...SECURITY_HEADERS,
      'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=31536000, immutable',
    });
  });
}
