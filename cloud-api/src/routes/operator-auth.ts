import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import {
  ChangePasswordRequestSchema,
  ConsoleErrorCodes,
  LoginRequestSchema,
  OkResponseSchema,
  SESSION_COOKIE,
  SessionResponseSchema,
} from '../../../contract/console-api';
import { ErrorBodySchema } from '../../../contract/http';
import { iso } from '../db/db';
import { findOperator, revokeSession, revokeSessionsOf, setPassword, toOperatorView } from '../db/operators';
import type { AppEnv, Deps } from '../deps';
import { HttpError } from '../http-error';
import { audit } from '../operators/audit';
import { LockedError, login } from '../operators/login';
import { hashPassword, verifyPassword } from '../operators/password';
import { apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, PUBLIC, SESSION } from './api-route';
import { readNoFields } from './request-body';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure unless the console is reached on loopback (issue 17). */
function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  const secure = !LOOPBACK.has(new URL(c.req.url).hostname);
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure, path: '/', expires: expiresAt });
}

const LOGIN_ERRORS = {
  ...ERROR_RESPONSES,
  423: { description: 'locked: too many failed logins (Retry-After)', content: { 'application/json': { schema: ErrorBodySchema } } },
} as const;

async function sessionAnswer(deps: Deps, c: Context<AppEnv>) {
  const s = c.get('operator').session;
  const row = s ? await findOperator(deps.db, c.get('operator').actor) : undefined;
  if (!s || !row) throw new HttpError(401, 'unauthorized', 'no session');
  return { operator: toOperatorView(row), csrf_token: s.csrfToken, expires_at: iso(s.expiresAt) };
}

/** Console sessions (issue 17, contract/console-api.ts). */
export const operatorAuthRoutes = [
  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/auth/login',
      summary: 'log in to the console: sets the session cookie; answers the account and the CSRF token',
      security: PUBLIC,
      request: { body: jsonBody(LoginRequestSchema) },
      responses: { 200: jsonResponse('logged in', SessionResponseSchema), ...LOGIN_ERRORS },
    }),
    (deps) => async (c) => {
      try {
        const s = await login(deps, c.req.valid('json'));
        setSessionCookie(c, s.token, s.expiresAt);
        deps.log.info({ operator: s.row.email }, 'operator logged in');
        return c.json({ operator: toOperatorView(s.row), csrf_token: s.csrfToken, expires_at: iso(s.expiresAt) }, 200);
      } catch (e) {
        if (e instanceof LockedError) c.header('Retry-After', String(e.retryAfterSec));
        throw e;
      }
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/auth/me',
      summary: "the session's account and CSRF token",
      security: SESSION,
      responses: { 200: jsonResponse('the account', SessionResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => c.json(await sessionAnswer(deps, c), 200),
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/auth/logout',
      summary: 'end this session (the cookie is cleared and the session revoked)',
      security: SESSION,
      responses: { 200: jsonResponse('logged out', OkResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      await readNoFields(c);
      const s = c.get('operator').session;
      if (s) await revokeSession(deps.db, s.idHash, deps.clock.now());
      await audit(c, deps, 'session.logout');
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true as const }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/auth/password',
      summary: 'change the password (required after the initial or a reset one); other sessions are revoked',
      security: SESSION,
      request: { body: jsonBody(ChangePasswordRequestSchema) },
      responses: { 200: jsonResponse('changed', SessionResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { current, next } = c.req.valid('json');
      const actor = c.get('operator');
      const row = await findOperator(deps.db, actor.actor);
      if (!row || !actor.session) throw new HttpError(401, 'unauthorized', 'no session');
      if (!(await verifyPassword(current, row.password_hash))) throw new HttpError(401, ConsoleErrorCodes.badCredentials, 'the current password is wrong');
      if (current === next) throw new HttpError(422, ConsoleErrorCodes.passwordWeak, 'choose a password different from the current one');
      const hash = await hashPassword(next);
      const sessionId = actor.session.idHash;
      await deps.db.tx(async (q) => {
        await setPassword(q, row.id, hash, false);
        await revokeSessionsOf(q, row.id, deps.clock.now(), sessionId);
        await audit(c, deps, 'password.change', { q, target: row.email });
      });
      return c.json(await sessionAnswer(deps, c), 200);
    },
  ),
];
