import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { ConsoleErrorCodes, CSRF_HEADER, roleAtLeast, SESSION_COOKIE, type OperatorRole } from '../../../contract/console-api';
import { findSession } from '../db/operators';
import { ErrorCodes } from '../../../contract/http';
import { authenticateKiosk, type KioskRow } from '../db/kiosks';
import { HttpError } from '../http-error';
import { rateLimited } from '../request-guards';
import { secretEquals, sha256Hex } from '../secrets';
import type { AppEnv, Deps, OperatorActor } from '../deps';

/** The token of an `Authorization: Bearer <token>` header. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

const unauthorized = () => new HttpError(401, ErrorCodes.unauthorized, 'missing or invalid credentials');

/**
 * Kiosk routes: `Authorization: Bearer <kiosk token>`, looked up by SHA-256, not revoked; marks the kiosk seen
 * (at most once per LAST_SEEN_WRITE_SEC);
 * then the kiosk's own allowance (429 `rate_limited`, shared across instances: shared-limits.ts).
 */
export function kioskAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (!token) throw unauthorized();
    const kiosk: KioskRow | undefined = await authenticateKiosk(deps.db, sha256Hex(token), deps.clock.now(), deps.config.LAST_SEEN_WRITE_SEC);
    if (!kiosk) throw unauthorized();
    const taken = await deps.limits.kiosk.take(kiosk.id);
    if (!taken.ok) {
      deps.metrics.rateLimited('kiosk');
      return rateLimited(c, taken.retryAfterSec);
    }
    c.set('kiosk', kiosk);
    await next();
  };
}

/**
 * Operator routes (issue 17): the OPERATOR_TOKEN bearer (the named service account, admin, no CSRF: a script holds
 * no cookie) or a console session cookie. A cookie-authenticated write must carry `X-CSRF-Token` equal to its
 * session's token (403 `csrf_invalid`); an account that must change its password may not use /v1/fleet/* yet (403
 * `password_change_required`); a lower role than the route needs gets 403 `forbidden_role`.
 */
export function operatorAuth(deps: Deps, needed: OperatorRole): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = await authenticateOperator(c, deps);
    checkCsrf(c, actor);
    if (actor.mustChangePassword) throw new HttpError(403, ConsoleErrorCodes.passwordChangeRequired, 'change the initial password first (POST /v1/auth/password)');
    if (!roleAtLeast(actor.role, needed)) throw new HttpError(403, ConsoleErrorCodes.forbiddenRole, `needs the ${needed} role`);
    c.set('operator', actor);
    await next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function checkCsrf(c: Context<AppEnv>, actor: OperatorActor): void {
  if (!actor.session || SAFE_METHODS.has(c.req.method)) return;
  const sent = c.req.header(CSRF_HEADER) ?? '';
  if (!sent || !secretEquals(sent, actor.session.csrfToken)) throw new HttpError(403, ConsoleErrorCodes.csrfInvalid, `send the session's ${CSRF_HEADER} header`);
}

/** /v1/auth/* after login: the session cookie only (a bearer has no session), CSRF on writes, any role. */
export function sessionAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = await authenticateOperator(c, deps);
    if (!actor.session) throw unauthorized();
    checkCsrf(c, actor);
    c.set('operator', actor);
    await next();
  };
}

/** The caller of an operator or /v1/auth route, or 401. */
export async function authenticateOperator(c: Context<AppEnv>, deps: Deps): Promise<OperatorActor & { mustChangePassword: boolean }> {
  const token = bearer(c.req.header('authorization'));
  if (token !== undefined) {
    if (!secretEquals(token, deps.config.OPERATOR_TOKEN)) throw unauthorized();
    return { actor: `service:${deps.config.OPERATOR_TOKEN_NAME}`, role: 'admin', mustChangePassword: false };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) throw unauthorized();
  const idHash = sha256Hex(cookie);
  const found = await findSession(deps.db, idHash, deps.clock.now());
  if (!found) throw unauthorized();
  const { session, operator } = found;
  return {
    actor: operator.email,
    role: operator.role,
    mustChangePassword: operator.must_change_password,
    session: { idHash, operatorId: operator.id, csrfToken: session.csrf_token, expiresAt: session.expires_at },
  };
}
