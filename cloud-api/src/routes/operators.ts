import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  AuditQuerySchema,
  AuditResponseSchema,
  CreatedOperatorResponseSchema,
  CreateOperatorRequestSchema,
  EmailSchema,
  OperatorsResponseSchema,
  OperatorViewSchema,
  ResetOperatorResponseSchema,
} from '../../../contract/console-api';
import { ErrorCodes } from '../../../contract/http';
import { listAudit } from '../db/audit';
import { findOperator, listOperators, toOperatorView } from '../db/operators';
import { HttpError, notFound } from '../http-error';
import { createOperator, disableOperator, resetOperator } from '../operators/accounts';
import { audit } from '../operators/audit';
import { ADMIN, apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, VIEWER } from './api-route';
import { readNoFields } from './request-body';

const emailParams = z.object({ email: z.string().max(254).pipe(EmailSchema) });

/** Operator accounts (admin) and the audit log (any role), issue 17. */
export const operatorRoutes = [
  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/operators',
      summary: 'operator accounts',
      security: ADMIN,
      responses: { 200: jsonResponse('every account', OperatorsResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => c.json({ items: (await listOperators(deps.db)).map(toOperatorView) }, 200),
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/fleet/operators',
      summary: 'add an account: its initial password (and TOTP secret) are answered once',
      security: ADMIN,
      request: { body: jsonBody(CreateOperatorRequestSchema) },
      responses: { 201: jsonResponse('created', CreatedOperatorResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const body = c.req.valid('json');
      const created = await deps.db.tx(async (q) => {
        const made = await createOperator(q, { ...body, now: deps.clock.now() });
        if (made) await audit(c, deps, 'operator.add', { q, target: made.row.email, details: { role: body.role, totp: body.totp } });
        return made;
      });
      if (!created) throw new HttpError(409, ErrorCodes.conflict, 'an account with this email exists');
      return c.json({ operator: toOperatorView(created.row), password: created.password, totp_secret: created.totpSecret, totp_uri: created.totpUri }, 201);
    },
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/fleet/operators/{email}/disable',
      summary: 'disable an account and end its sessions',
      security: ADMIN,
      request: { params: emailParams },
      responses: { 200: jsonResponse('disabled', z.object({ operator: OperatorViewSchema })), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      await readNoFields(c);
      const { email } = c.req.valid('param');
      const row = await deps.db.tx(async (q) => {
        if (!(await disableOperator(q, email, deps.clock.now()))) return undefined;
        await audit(c, deps, 'operator.disable', { q, target: email });
        return findOperator(q, email);
      });
      if (!row) throw notFound('operator');
      return c.json({ operator: toOperatorView(row) }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/fleet/operators/{email}/reset',
      summary: 'a new initial password (answered once), lockout cleared, sessions ended',
      security: ADMIN,
      request: { params: emailParams },
      responses: { 200: jsonResponse('reset', ResetOperatorResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      await readNoFields(c);
      const { email } = c.req.valid('param');
      const reset = await deps.db.tx(async (q) => {
        const r = await resetOperator(q, email, deps.clock.now());
        if (r) await audit(c, deps, 'operator.reset', { q, target: email });
        return r;
      });
      if (!reset) throw notFound('operator');
      return c.json({ operator: toOperatorView(reset.row), password: reset.password }, 200);
    },
  ),

  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/fleet/audit',
      summary: 'operator audit events, newest first (keyset cursor)',
      security: VIEWER,
      request: { query: AuditQuerySchema },
      responses: { 200: jsonResponse('a page', AuditResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => c.json(await listAudit(deps.db, c.req.valid('query')), 200),
  ),
];
