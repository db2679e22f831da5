import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { CSRF_HEADER, OperatorRoleSchema, SESSION_COOKIE, type OperatorRole } from '../../../contract/console-api';
import { ErrorBodySchema, ErrorCodes } from '../../../contract/http';
import type { AppEnv, Deps } from '../deps';
import { HttpError } from '../http-error';
import { kioskAuth, operatorAuth, sessionAuth } from './auth';
import { jsonBodyGuard } from './request-body';

/**
 * One cloud route = one object: its OpenAPI description (a `createRoute` config built from the contract's
 * zod schemas), which the validators are made from, and its handler. The description's `security`
 * decides the auth middleware, and a JSON `request.body` gets the house body guard, so the document,
 * the checks and the code cannot drift apart (ARCHITECTURE.md "Cloud HTTP API").
 */
export interface ApiRoute {
  config: RouteConfig;
  mount(app: OpenAPIHono<AppEnv>, deps: Deps): void;
}

/**
 * `security` values: no credentials, `Authorization: Bearer <kiosk token>`, or an operator — the OPERATOR_TOKEN
 * bearer or a console session cookie — with at least the role named as the scheme's scope (issue 17).
 */
export const PUBLIC: RouteConfig['security'] = [];
export const KIOSK: RouteConfig['security'] = [{ kioskToken: [] }];
export const fleet = (role: OperatorRole): RouteConfig['security'] => [{ operatorToken: [role] }, { operatorSession: [role] }];
/** viewer reads; operator acts on kiosks, credits and enrolment; admin manages accounts, config and revocation. */
export const VIEWER = fleet('viewer');
/** /v1/auth/* after login: the console session cookie only. */
export const SESSION: RouteConfig['security'] = [{ operatorSession: [] }];
export const OPERATOR_ROLE = fleet('operator');
export const ADMIN = fleet('admin');
/** Before issue 17 the only operator credential; a route that names no role is admin-only (the safe default). */
export const OPERATOR = ADMIN;
export const SECURITY_SCHEMES = {
  kioskToken: { type: 'http', scheme: 'bearer' },
  operatorToken: { type: 'http', scheme: 'bearer', description: 'OPERATOR_TOKEN: the named service account (admin)' },
  operatorSession: {
    type: 'apiKey', in: 'cookie', name: SESSION_COOKIE,
    description: `console session (POST /v1/auth/login); writes also need the ${CSRF_HEADER} header`,
  },
} as const;

export function apiRoute<R extends RouteConfig>(config: R, handler: (deps: Deps) => RouteHandler<R, AppEnv>): ApiRoute {
  return {
    config,
    mount(app, deps) {
      const middleware = [...authFor(config, deps), ...(config.request?.body ? [jsonBodyGuard] : [])];
      // The config's types already checked the handler against the route; mounting only adds middleware.
      const openapi = app.openapi as (route: RouteConfig, h: unknown) => unknown;
      openapi({ ...config, middleware }, handler(deps));
    },
  };
}

function authFor(config: RouteConfig, deps: Deps): Array<MiddlewareHandler<AppEnv>> {
  const schemes = (config.security ?? []).flatMap((s) => Object.keys(s));
  if (schemes.length === 0) return [];
  if (schemes.length === 1 && schemes[0] === 'kioskToken') return [kioskAuth(deps)];
  if (schemes.join() === 'operatorSession') return [sessionAuth(deps)];
  const role = (config.security ?? []).flatMap((s) => s.operatorToken ?? [])[0];
  if (schemes.join() === 'operatorToken,operatorSession' && OperatorRoleSchema.safeParse(role).success) {
    return [operatorAuth(deps, OperatorRoleSchema.parse(role))];
  }
  throw new Error(`${config.method.toUpperCase()} ${config.path}: no middleware for security ${JSON.stringify(config.security)}`);
}

/** A required JSON request body read through a strict contract schema. */
export const jsonBody = <S extends z.ZodType>(schema: S) =>
  ({ required: true, content: { 'application/json': { schema } } }) as const;

/** A JSON response with a contract schema. */
export const jsonResponse = <S extends z.ZodType>(description: string, schema: S) =>
  ({ description, content: { 'application/json': { schema } } }) as const;

/**
 * A JSON response whose contract schema is written in zod/mini (contract/payments.ts, bundled into the
 * mini app). The document generator reads classic zod only, so it gets the classic twin of the schema's
 * JSON Schema; the handler is still typed by the mini schema.
 */
export const miniJsonResponse = <S extends z.core.$ZodType>(description: string, schema: S) =>
  jsonResponse(description, z.fromJSONSchema(z.toJSONSchema(schema, { io: 'output' })) as unknown as z.ZodType<z.output<S>, z.input<S>>);

const error = (description: string) => jsonResponse(description, ErrorBodySchema);

/** The house error answers, `{"error":{"code","message"}}` (contract/http.ts ErrorCodes), on every route. */
export const ERROR_RESPONSES = {
  400: error('malformed: not JSON, or not the shape the contract says'),
  401: error('unauthorized: missing or invalid credentials'),
  403: error('forbidden_role, csrf_invalid or password_change_required (operator routes)'),
  404: error('not_found'),
  409: error('conflict'),
  413: error('body_too_large'),
  422: error('refused by a rule (the code says which)'),
  429: error('rate_limited (Retry-After)'),
  503: error('dependency_down'),
} as const;

/**
 * The validators' failures as house errors: a bad path id is 404 `not_found` (its message is the
 * schema's, routes/path-id.ts), any other shape error 400 `malformed`, naming each bad field.
 */
export function validationHook(result: { target: string; success: boolean; error?: z.ZodError }): void {
  if (result.success || !result.error) return;
  const issues = result.error.issues;
  if (result.target === 'param') throw new HttpError(404, ErrorCodes.notFound, issues[0]?.message ?? 'not found');
  const [what, whole] = result.target === 'json' ? ['request body', '(body)'] : [result.target, `(${result.target})`];
  const detail = issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
  throw new HttpError(400, ErrorCodes.malformed, `invalid ${what} — ${detail}`);
}
