import { z } from 'zod';
import { CreateTransactionRequestSchema, RotateTokenRequestSchema, SyncRequestSchema } from '../../contract/http';
import type { CloudFixture } from './cloud-fixture';

/**
 * One base request per cloud route (a request the cloud answers WITHOUT changing anything: a replay,
 * an unknown code, another kiosk's job…) and the contract's prediction for a mutated one:
 * - 'none': a correct cloud changes nothing (a bad-input case; the DB checksum must not move);
 * - 'valid': contract-valid input that may change state (run only in the separate valid check);
 * - 'skip': would claim the fixture's job, revoke a fixture kiosk or long-poll: drawn again.
 */
export type AuthKind = 'none' | 'A' | 'B' | 'R' | 'operator' | 'garbage';
export type Effect = 'none' | 'valid' | 'skip';

export interface Sent {
  method: string;
  auth: AuthKind;
  /** The decoded :id segment, when the route has one. */
  id?: string;
  query: URLSearchParams;
  /** The body as the route would read it: parsed JSON when the content type is JSON; undefined if unreadable. */
  json: { ok: true; value: unknown } | { ok: false };
  rawEmpty: boolean;
  contentTypeJson: boolean;
  contentTypePresent: boolean;
  bytes: number;
}

export interface RouteSpec {
  auth: AuthKind;
  id?: (f: CloudFixture) => string;
  /** Ids a fuzz case may swap in: other kiosks', other entities', unknown. */
  ids?: (f: CloudFixture) => string[];
  query?: string;
  body?: (f: CloudFixture) => unknown;
  effect: (s: Sent, f: CloudFixture) => Effect;
}

const WaitSchema = z.coerce.number().int().min(0).max(60).default(25);
const isKiosk = (a: AuthKind) => a === 'A' || a === 'B';
const readOnly = (): Effect => 'none';
const txIds = (f: CloudFixture) => [...Object.values(f.tx), f.jobId, f.kiosks.A, f.kiosks.B, f.kiosks.R];
const deepEqual = (a: unknown, b: unknown) => {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false; // nested too deep to print: not the small base body
  }
};

/** Keyed by "METHOD /hono/path" exactly as cloud-api/src/openapi.ts ROUTES lists them. */
export const ROUTE_SPECS: Record<string, RouteSpec> = {
  'GET /healthz': { auth: 'none', effect: readOnly },
  'GET /openapi.json': { auth: 'none', effect: readOnly },
  'GET /metrics': { auth: 'operator', effect: readOnly },
  'GET /miniapp/assets/pay.js': { auth: 'none', effect: readOnly },
  'GET /miniapp/pay/:id': { auth: 'none', id: (f) => f.tx.fresh, ids: txIds, effect: readOnly },
  'GET /v1/fleet/kiosks': { auth: 'operator', effect: readOnly },
  'GET /v1/fleet/transactions': { auth: 'operator', query: 'limit=5', effect: readOnly },
  'GET /v1/fleet/attention': { auth: 'operator', query: 'limit=5', effect: readOnly },
  // Issue 17 console routes. Reads change nothing; the fixture has no console account, so every login is refused
  // unchanged and the session routes answer 401; account writes by the operator token would add accounts: drawn again.
  // The console's static bundle (routes/console-static.ts): files only, nothing to change.
  'GET /console': { auth: 'none', effect: readOnly },
  'GET /console/': { auth: 'none', effect: readOnly },
  'GET /console/assets/:name': { auth: 'none', effect: readOnly },
  'GET /v1/fleet/kiosks/:id': { auth: 'operator', id: (f) => f.kiosks.A, ids: txIds, effect: readOnly },
  'GET /v1/fleet/transactions.csv': { auth: 'operator', query: 'status=completed', effect: readOnly },
  'GET /v1/fleet/transactions/:id': { auth: 'operator', id: (f) => f.tx.fresh, ids: txIds, effect: readOnly },
  'POST /v1/fleet/kiosks/:id/service': { auth: 'operator', id: (f) => f.kiosks.A, ids: txIds, body: () => ({ in_service: true }), effect: (s) => (s.auth === 'operator' ? 'skip' : 'none') },
  'PUT /v1/fleet/kiosks/:id/overrides': { auth: 'operator', id: (f) => f.kiosks.A, ids: txIds, body: () => ({}), effect: (s) => (s.auth === 'operator' ? 'skip' : 'none') },
  // Issue 15 credits: reading changes nothing; a settle by the operator token may change a credit: drawn again.
  'GET /v1/fleet/credits': { auth: 'operator', query: 'limit=5', effect: readOnly },
  'POST /v1/fleet/credits/:id/settle': {
    auth: 'operator', id: (f) => f.tx.fresh, ids: txIds, body: () => ({ state: 'waived', reason: 'fuzz' }), effect: (s) => (s.auth === 'operator' ? 'skip' : 'none'),
  },
  'GET /v1/transactions/:id/status': { auth: 'A', id: (f) => f.tx.fresh, ids: txIds, effect: readOnly },
  'GET /v1/fleet/reconciliation': { auth: 'operator', query: 'from=2026-01-01&to=2026-01-31', effect: readOnly },
  'GET /v1/fleet/reconciliation.csv': { auth: 'operator', query: 'from=2026-01-01&to=2026-01-31', effect: readOnly },
  'GET /v1/fleet/audit': { auth: 'operator', query: 'limit=5', effect: readOnly },
  'GET /v1/fleet/webhooks': { auth: 'operator', effect: readOnly },
  'POST /v1/fleet/webhooks': { auth: 'operator', body: () => ({ url: 'https://alerts.example.com/roluatm', events: ['low_coins'] }), effect: (s) => (s.auth === 'operator' ? 'skip' : 'none') },
  // An unknown webhook id: 404 and nothing changes.
  'DELETE /v1/fleet/webhooks/:id': { auth: 'operator', id: () => '0190f000-0000-7000-8000-000000000000', ids: txIds, effect: readOnly },
  'GET /v1/fleet/webhooks/:id/deliveries': { auth: 'operator', id: () => '0190f000-0000-7000-8000-000000000000', ids: txIds, query: 'limit=5', effect: readOnly },
  'GET /v1/fleet/operators': { auth: 'operator', effect: readOnly },
  'POST /v1/fleet/operators': { auth: 'operator', body: () => ({ email: 'fuzz@example.com', role: 'viewer' }), effect: (s) => (s.auth === 'operator' ? 'skip' : 'none') },
  'POST /v1/fleet/operators/:email/disable': { auth: 'operator', effect: readOnly },
  'POST /v1/fleet/operators/:email/reset': { auth: 'operator', effect: readOnly },
  'POST /v1/auth/login': { auth: 'none', body: () => ({ email: 'nobody@example.com', password: 'not-a-password' }), effect: readOnly },
  'GET /v1/auth/me': { auth: 'none', effect: readOnly },
  'POST /v1/auth/logout': { auth: 'none', effect: readOnly },
  'POST /v1/auth/password': { auth: 'none', body: () => ({ current: 'x', next: 'a-long-enough-password' }), effect: readOnly },
  'GET /v1/transactions/:id/payment-request': { auth: 'none', id: (f) => f.tx.verified, ids: txIds, effect: readOnly },
  'POST /v1/fleet/enrollment-codes': {
    auth: 'operator',
    body: () => ({}),
    // Takes an empty body or `{}` only; anything else is refused (routes/enroll.ts).
    effect: (s) => (s.auth === 'operator' && (s.rawEmpty || (s.contentTypeJson && s.json.ok && deepEqual(s.json.value, {}))) ? 'valid' : 'none'),
  },
  'POST /v1/kiosks/enroll': { auth: 'none', body: () => ({ code: 'ZZZZ-ZZZZ-ZZZZ', name: 'fuzz kiosk' }), effect: readOnly },
  // The base token is too short (400); a valid rotation would replace a fixture kiosk's token: drawn again.
  'POST /v1/kiosks/token': {
    auth: 'B',
    body: () => ({ new_token: 'too-short' }),
    effect: (s) => (isKiosk(s.auth) && s.contentTypeJson && s.json.ok && RotateTokenRequestSchema.safeParse(s.json.value).success ? 'skip' : 'none'),
  },
  'POST /v1/fleet/kiosks/:id/revoke': {
    auth: 'operator',
    id: (f) => f.kiosks.R,
    ids: txIds,
    effect: (s, f) => (s.auth === 'operator' && [f.kiosks.A, f.kiosks.B].includes((s.id ?? '').toLowerCase()) ? 'skip' : 'none'),
  },
  'POST /v1/transactions': {
    auth: 'A',
    body: (f) => ({ id: f.tx.fresh, amount_cents: 500 }),
    effect: (s, f) => {
      if (!isKiosk(s.auth) || !s.contentTypeJson || !s.json.ok) return 'none';
      const p = CreateTransactionRequestSchema.safeParse(s.json.value);
      return p.success && !f.knownTxIds.has(p.data.id.toLowerCase()) ? 'valid' : 'none';
    },
  },
  // The base result carries another transaction's nonce: refused, and no mutation can make it valid.
  'POST /v1/transactions/:id/world-id': { auth: 'A', id: (f) => f.tx.fresh, ids: txIds, body: (f) => ({ result: f.refusedResult }), effect: readOnly },
  // Payment ids that fit no payable transaction (never the one paying `fresh`'s reference).
  'POST /v1/transactions/:id/payment': { auth: 'none', id: (f) => f.tx.verified, ids: txIds, body: (f) => ({ transaction_id: f.badPaymentIds[0] }), effect: readOnly },
  'GET /v1/jobs/next': {
    auth: 'B',
    query: 'wait=0',
    effect: (s) => {
      if (!isKiosk(s.auth)) return 'none';
      const wait = WaitSchema.safeParse(s.query.get('wait') ?? undefined);
      if (!wait.success) return 'none';
      return s.auth === 'A' || wait.data > 0 ? 'skip' : 'none'; // A would claim its job; a wait > 0 long-polls
    },
  },
  'POST /v1/jobs/:id/ack': {
    auth: 'B',
    id: (f) => f.jobId,
    ids: txIds,
    effect: (s, f) => (s.auth === 'A' && (s.id ?? '').toLowerCase() === f.jobId ? 'skip' : 'none'),
  },
  'POST /v1/sync': {
    auth: 'B',
    body: (f) => ({ events: [f.bEvent] }),
    effect: (s, f) => {
      if (!isKiosk(s.auth) || !s.contentTypeJson || !s.json.ok || !SyncRequestSchema.safeParse(s.json.value).success) return 'none';
      return s.auth === 'B' && deepEqual(s.json.value, { events: [f.bEvent] }) ? 'none' : 'valid';
    },
  },
};
