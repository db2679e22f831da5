import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { CORS_HEADERS, parseJson, readBody, sendJson } from './http-util';

/**
 * The fake Developer Portal transaction API (world-id.md "Payment in World App"):
 * `GET /api/v2/minikit/transaction/:id?app_id=…&type=payment` with `Authorization: Bearer <key>`.
 * Like the real route (worldcoin/developer-portal web/api/v2/minikit/transaction): no key → 401
 * `unauthorized`; no app_id → 400 `invalid_request`; a wrong key → 403 `invalid_api_key`; another app → 403
 * `invalid_app`. Unknown ids → 404 `not_found`. Modes: 'fail_5xx' answers 503, 'timeout' never answers.
 *
 * Sim-only (no such route on the real portal): `POST /sim/payments` registers a payment the way World App
 * would after MiniKit.pay, so a demo phone page can "pay" over HTTP; CORS is open for it.
 */
export const SIM_PORTAL_API_KEY = 'api_c2ltLWtleTpzaW0tc2VjcmV0';

export type PaymentStatus = 'pending' | 'mined' | 'failed';
export type PaymentsMode = 'ok' | 'fail_5xx' | 'timeout';

export const RegisterPaymentSchema = z.strictObject({
  transactionId: z.string().min(1).max(200).optional(),
  reference: z.string().min(1).max(36),
  to: z.string().min(1).max(200),
  token: z.string().min(1).max(32),
  token_amount: z.string().regex(/^[0-9]{1,78}$/),
  status: z.enum(['pending', 'mined', 'failed']).default('mined'),
  /** The first N lookups answer `pending` before the status shows (exercises re-checking). */
  pendingChecks: z.number().int().min(0).max(1000).default(0),
  from: z.string().max(200).optional(),
});
export type RegisterPaymentInput = z.input<typeof RegisterPaymentSchema>;

interface StoredPayment {
  transactionId: string;
  body: Record<string, string>;
  status: PaymentStatus;
  pendingChecks: number;
}

export interface PaymentsCall {
  transactionId: string;
  appId: string | null;
  type: string | null;
  authorized: boolean;
}

export interface FakePayments {
  registerPayment(input: RegisterPaymentInput): string;
  setStatus(transactionId: string, status: PaymentStatus): void;
  setMode(mode: PaymentsMode): void;
  calls(): PaymentsCall[];
  /** Answers the request if it is a payments route; false when it is not ours. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

export function createFakePayments(opts: { appId: string; apiKey?: string }): FakePayments {
  const apiKey = opts.apiKey ?? SIM_PORTAL_API_KEY;
  const payments = new Map<string, StoredPayment>();
  const calls: PaymentsCall[] = [];
  let mode: PaymentsMode = 'ok';

  const registerPayment = (input: RegisterPaymentInput): string => {
    const p = RegisterPaymentSchema.parse(input);
    const transactionId = p.transactionId ?? `0x${randomBytes(32).toString('hex')}`;
    if (payments.has(transactionId)) throw new Error(`payment ${transactionId} is already registered; use setStatus to change it`);
    const body = {
      reference: p.reference,
      transaction_hash: `0x${randomBytes(32).toString('hex')}`,
      from: p.from ?? `0x${randomBytes(20).toString('hex')}`,
      chain: 'worldchain',
      timestamp: new Date().toISOString(),
      token_amount: p.token_amount,
      token: p.token,
      to: p.to,
      app_id: opts.appId,
    };
    payments.set(transactionId, { transactionId, body, status: p.status, pendingChecks: p.pendingChecks });
    return transactionId;
  };

  const lookup = (res: ServerResponse, url: URL, id: string, auth: string | undefined): void => {
    const key = /^Bearer (.+)$/.exec(auth ?? '')?.[1];
    const appId = url.searchParams.get('app_id');
    calls.push({ transactionId: id, appId, type: url.searchParams.get('type'), authorized: key === apiKey });
    if (mode === 'timeout') return; // never answered; close() drops the socket
    if (mode === 'fail_5xx') return sendJson(res, 503, { code: 'internal_server_error', detail: 'Simulated outage.' });
    if (!key) return sendJson(res, 401, { code: 'unauthorized', detail: 'API key is required.', attribute: 'api_key' });
    if (!appId) return sendJson(res, 400, { code: 'invalid_request', detail: 'App ID is required.', attribute: 'app_id' });
    if (key !== apiKey) return sendJson(res, 403, { code: 'invalid_api_key', detail: 'API key is not valid.', attribute: 'api_key' });
    if (appId !== opts.appId) return sendJson(res, 403, { code: 'invalid_app', detail: 'API key is not valid for this app.', attribute: 'api_key' });
    const p = payments.get(id);
    if (!p) return sendJson(res, 404, { code: 'not_found', detail: 'Transaction not found.', attribute: 'transaction_id' });
    const status = p.pendingChecks > 0 ? 'pending' : p.status;
    if (p.pendingChecks > 0) p.pendingChecks -= 1;
    sendJson(res, 200, { ...p.body, transaction_status: status });
  };

  const register = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parsed = RegisterPaymentSchema.safeParse(parseJson(await readBody(req, 64 * 1024)));
    if (!parsed.success) return sendJson(res, 400, { code: 'validation_error', detail: parsed.error.message }, CORS_HEADERS);
    try {
      sendJson(res, 201, { transaction_id: registerPayment(parsed.data) }, CORS_HEADERS);
    } catch (cause) {
      sendJson(res, 409, { code: 'conflict', detail: (cause as Error).message }, CORS_HEADERS);
    }
  };

  return {
    registerPayment,
    setStatus: (transactionId, status) => {
      const p = payments.get(transactionId);
      if (!p) throw new Error(`no payment ${transactionId}; register it first`);
      p.status = status;
      p.pendingChecks = 0;
    },
    setMode: (m) => {
      mode = m;
    },
    calls: () => [...calls],
    handle: async (req, res, url) => {
      const tx = /^\/api\/v2\/minikit\/transaction\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && tx) {
        lookup(res, url, decodeURIComponent(tx[1] ?? ''), req.headers.authorization);
        return true;
      }
      if (url.pathname !== '/sim/payments') return false;
      if (req.method === 'OPTIONS') res.writeHead(204, CORS_HEADERS).end();
      else if (req.method === 'POST') await register(req, res);
      else return false;
      return true;
    },
  };
}

export interface SimulatePayInput {
  reference: string;
  to: string;
  token: string;
  /** Base units, as MiniKit.pay's token_amount. */
  amount: string | bigint;
  status?: PaymentStatus;
  pendingChecks?: number;
}

/**
 * What World App does after the customer approves MiniKit.pay: the payment appears at the portal
 * under a new transaction id, which the mini app then posts to the cloud. Takes either the fake
 * portal's URL (over HTTP, as a phone page would) or the payments store itself.
 */
export async function simulatePay(target: { portalUrl: string } | { payments: FakePayments }, input: SimulatePayInput): Promise<string> {
  const body: RegisterPaymentInput = {
    transactionId: `0x${randomUUID().replaceAll('-', '')}${randomBytes(16).toString('hex')}`,
    reference: input.reference,
    to: input.to,
    token: input.token,
    token_amount: input.amount.toString(),
    status: input.status ?? 'mined',
    pendingChecks: input.pendingChecks ?? 0,
  };
  if ('payments' in target) return target.payments.registerPayment(body);
  const res = await fetch(`${target.portalUrl.replace(/\/$/, '')}/sim/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { transaction_id?: string; detail?: string };
  if (res.status !== 201 || !json.transaction_id) throw new Error(`fake portal refused the payment (${res.status}): ${json.detail ?? ''}`);
  return json.transaction_id;
}
