import { z } from 'zod';
import { FleetAttentionQuerySchema, FleetAttentionResponseSchema, FleetKiosksResponseSchema, FleetTransactionsQuerySchema,
  FleetTransactionsResponseSchema, RevokeKioskResponseSchema } from '../../contract/fleet';
import { CreateTransactionRequestSchema, CreateTransactionResponseSchema, EnrollmentCodeResponseSchema, EnrollRequestSchema,
  EnrollResponseSchema, ErrorBodySchema, JobAckResponseSchema, JobResponseSchema, PaymentRequestSchema, SyncRequestSchema,
  SyncResponseSchema, WorldIdRequestSchema, WorldIdResponseSchema } from '../../contract/http';
import { PaymentRequestViewSchema, PaymentSubmitResponseSchema } from '../../contract/payments';

/**
 * The OpenAPI 3.1 description of the cloud API (GET /openapi.json), generated with z.toJSONSchema from the
 * SAME zod schemas the routes parse and answer with (contract/). A test checks every registered route is here.
 */
type Schema = z.core.$ZodType;
export interface RouteDoc {
  method: 'get' | 'post';
  /** Hono path, e.g. /v1/jobs/:id/ack. */
  path: string;
  auth: 'none' | 'kiosk' | 'operator';
  summary: string;
  body?: Schema;
  query?: Schema;
  ok: { status: number; schema?: Schema; type?: string };
}

const WaitQuerySchema = z.strictObject({ wait: z.coerce.number().int().min(0).max(60).default(25) });

export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/healthz', auth: 'none', summary: '200 when the database answers', ok: { status: 200 } },
  { method: 'post', path: '/v1/fleet/enrollment-codes', auth: 'operator', summary: 'a one-time kiosk enrolment code (24 h)', ok: { status: 201, schema: EnrollmentCodeResponseSchema } },
  { method: 'post', path: '/v1/kiosks/enroll', auth: 'none', summary: 'enrol a kiosk with a code', body: EnrollRequestSchema, ok: { status: 201, schema: EnrollResponseSchema } },
  { method: 'get', path: '/v1/fleet/kiosks', auth: 'operator', summary: 'fleet health and the payment mode', ok: { status: 200, schema: FleetKiosksResponseSchema } },
  { method: 'post', path: '/v1/fleet/kiosks/:id/revoke', auth: 'operator', summary: "revoke a kiosk's token", ok: { status: 200, schema: RevokeKioskResponseSchema } },
  { method: 'get', path: '/v1/fleet/transactions', auth: 'operator', summary: 'transactions with job, payment and audit trail', query: FleetTransactionsQuerySchema, ok: { status: 200, schema: FleetTransactionsResponseSchema } },
  { method: 'get', path: '/v1/fleet/attention', auth: 'operator', summary: 'what needs a person', query: FleetAttentionQuerySchema, ok: { status: 200, schema: FleetAttentionResponseSchema } },
  { method: 'post', path: '/v1/transactions', auth: 'kiosk', summary: 'register a cash-out (idempotent on id)', body: CreateTransactionRequestSchema, ok: { status: 201, schema: CreateTransactionResponseSchema } },
  { method: 'post', path: '/v1/transactions/:id/world-id', auth: 'kiosk', summary: 'forward the IDKit result for verification', body: WorldIdRequestSchema, ok: { status: 200, schema: WorldIdResponseSchema } },
  { method: 'get', path: '/v1/transactions/:id/payment-request', auth: 'none', summary: 'what the mini app passes to MiniKit.pay', ok: { status: 200, schema: PaymentRequestViewSchema } },
  { method: 'post', path: '/v1/transactions/:id/payment', auth: 'none', summary: 'report a World App payment (200 confirmed/failed, 202 pending)', body: PaymentRequestSchema, ok: { status: 200, schema: PaymentSubmitResponseSchema } },
  { method: 'get', path: '/v1/jobs/next', auth: 'kiosk', summary: 'long-poll for the next signed job (204 when none)', query: WaitQuerySchema, ok: { status: 200, schema: JobResponseSchema } },
  { method: 'post', path: '/v1/jobs/:id/ack', auth: 'kiosk', summary: 'acknowledge a journalled job', ok: { status: 200, schema: JobAckResponseSchema } },
  { method: 'post', path: '/v1/sync', auth: 'kiosk', summary: 'push outbox events', body: SyncRequestSchema, ok: { status: 200, schema: SyncResponseSchema } },
  { method: 'get', path: '/miniapp/pay/:id', auth: 'none', summary: 'the World App mini app payment page', ok: { status: 200, type: 'text/html' } },
  { method: 'get', path: '/miniapp/assets/pay.js', auth: 'none', summary: "the payment page's script", ok: { status: 200, type: 'text/javascript' } },
  { method: 'get', path: '/metrics', auth: 'operator', summary: 'Prometheus text exposition', ok: { status: 200, type: 'text/plain' } },
  { method: 'get', path: '/openapi.json', auth: 'none', summary: 'this document', ok: { status: 200, type: 'application/json' } },
];

const json = (s: Schema, io: 'input' | 'output') => z.toJSONSchema(s, { unrepresentable: 'any', io, target: 'draft-2020-12' });
const ERRORS = ['400', '401', '404', '409', '413', '422', '429', '503'];

function operation(r: RouteDoc): Record<string, unknown> {
  const params: Array<Record<string, unknown>> = [...r.path.matchAll(/:([a-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (r.query) {
    const q = json(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) params.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
  }
  const okContent = r.ok.schema ? { 'application/json': { schema: json(r.ok.schema, 'output') } } : r.ok.type ? { [r.ok.type]: {} } : undefined;
  const responses: Record<string, unknown> = { [String(r.ok.status)]: { description: 'success', ...(okContent ? { content: okContent } : {}) } };
  for (const code of ERRORS) responses[code] = { $ref: '#/components/responses/Error' };
  return {
    summary: r.summary,
    ...(r.auth === 'none' ? { security: [] } : { security: [{ [r.auth === 'kiosk' ? 'kioskToken' : 'operatorToken']: [] }] }),
    ...(params.length ? { parameters: params } : {}),
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(r.body, 'input') } } } } : {}),
    responses,
  };
}

export function buildOpenApi(version = '0.1.0'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const p = r.path.replace(/:([a-z_]+)/g, '{$1}');
    paths[p] = { ...paths[p], [r.method]: operation(r) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'RoluATM cloud API', version },
    paths,
    components: {
      securitySchemes: { kioskToken: { type: 'http', scheme: 'bearer' }, operatorToken: { type: 'http', scheme: 'bearer' } },
      responses: { Error: { description: '{"error":{"code","message"}}', content: { 'application/json': { schema: json(ErrorBodySchema, 'output') } } } },
    },
  };
}
