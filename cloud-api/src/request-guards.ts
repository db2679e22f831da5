import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { ErrorCodes } from '../../contract/http';
import type { AppEnv, Deps } from './deps';
import { errorBody, HttpError } from './http-error';

/**
 * The client's IP. Without trusted proxies, the socket's peer. With TRUST_PROXY = N proxies of ours in
 * front, the right-most address none of them vouches for: walking back from the socket through
 * X-Forwarded-For, skip N hops (each proxy appends the address it saw, so the left part is whatever the
 * client wrote and is never trusted). Undefined for in-process requests (tests calling app.request)
 * without the header, which then have no per-IP bucket.
 */
export function clientIp(c: Context, trustedProxies: number): string | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  const peer = env?.incoming?.socket?.remoteAddress ?? undefined;
  if (trustedProxies <= 0) return peer;
  const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const hops = [...forwarded, ...(peer ? [peer] : [])];
  return hops[Math.max(0, hops.length - 1 - trustedProxies)] ?? peer;
}

export function rateLimited(c: Context, retryAfterSec: number) {
  c.header('retry-after', String(retryAfterSec));
  return c.json(errorBody(ErrorCodes.rateLimited, `too many requests; wait ${retryAfterSec} s and try again`), 429);
}

/** 429 `rate_limited` when this IP (the right-most untrusted hop) has used its allowance (shared-limits.ts: across instances). */
export function ipRateLimit(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ip = clientIp(c, deps.config.TRUST_PROXY);
    const taken = ip === undefined ? undefined : await deps.limits.ip.take(ip);
    if (taken && !taken.ok) {
      deps.metrics.rateLimited('ip');
      return rateLimited(c, taken.retryAfterSec);
    }
    await next();
  };
}

/**
 * The public payment routes' per-transaction bucket (the mini app has no token to key on): throws 429
 * `rate_limited` with Retry-After when this transaction id has used it up (shared-limits.ts: across instances).
 */
export async function takeTransactionToken(deps: Deps, c: Context, transactionId: string): Promise<void> {
  const taken = await deps.limits.transaction.take(transactionId);
  if (taken.ok) return;
  deps.metrics.rateLimited('transaction');
  const wait = taken.retryAfterSec;
  c.header('retry-after', String(wait));
  throw new HttpError(429, ErrorCodes.rateLimited, `too many requests for this cash-out; wait ${wait} s and try again`);
}

/**
 * One debug line per request (method, route pattern, status, ms) and the HTTP metrics. Only the route
 * pattern is logged — never headers, bodies or query strings, where tokens and codes travel.
 */
export function accessLog(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const matched = routePath(c, -1);
    const route = !matched || matched === '*' || matched === '/*' ? 'unmatched' : matched;
    deps.metrics.record(c.req.method, route, c.res.status, ms);
    deps.log.debug({ method: c.req.method, route, status: c.res.status, ms: Math.round(ms) }, 'request');
  };
}
