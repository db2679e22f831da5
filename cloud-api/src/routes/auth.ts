import type { MiddlewareHandler } from 'hono';
import { ErrorCodes } from '../../../contract/http';
import { authenticateKiosk, type KioskRow } from '../db/kiosks';
import { HttpError } from '../http-error';
import { rateLimited } from '../request-guards';
import { secretEquals, sha256Hex } from '../secrets';
import type { AppEnv, Deps } from '../deps';

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

const unauthorized = () => new HttpError(401, ErrorCodes.unauthorized, 'missing or invalid credentials');

/**
 * Kiosk routes: `Authorization: Bearer <kiosk token>`, looked up by SHA-256, not revoked; marks the kiosk seen
 * (at most once per LAST_SEEN_WRITE_SEC);
 * then the kiosk's own token bucket (429 `rate_limited`, per instance).
 */
export function kioskAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (!token) throw unauthorized();
    const kiosk: KioskRow | undefined = await authenticateKiosk(deps.db, sha256Hex(token), deps.clock.now(), deps.config.LAST_SEEN_WRITE_SEC);
    if (!kiosk) throw unauthorized();
    const now = Date.now();
    if (!deps.limits.kiosk.take(kiosk.id, now)) {
      deps.metrics.rateLimited('kiosk');
      return rateLimited(c, deps.limits.kiosk.retryAfterSec(kiosk.id, now));
    }
    c.set('kiosk', kiosk);
    await next();
  };
}

/** Operator routes: the operator token, compared in constant time. */
export function operatorAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    const token = bearer(_c.req.header('authorization'));
    if (!token || !secretEquals(token, deps.config.OPERATOR_TOKEN)) throw unauthorized();
    await next();
  };
}
