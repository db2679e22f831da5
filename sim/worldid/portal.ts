import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, listen, parseJson, readBody, sendJson } from './http-util';
import { verifyResultBody } from './portal-verify';
import { createFakePayments, type FakePayments } from './portal-payments';

/**
 * A fake World Developer Portal (world-id.md "Cloud side"), for tests and the demo.
 * `POST /api/v4/verify/:rp_id`, and the payment transaction API (`GET /api/v2/minikit/transaction/:id`,
 * see portal-payments.ts; its own modes via `payments.setMode`).
 *
 * Modes: 'ok' answers like the real portal; 'fail_5xx' answers 503; 'timeout' never answers
 * (the connection is dropped on close); 'invalid' refuses every proof with 400; 'unverified_item' answers
 * 200 success but marks every item as not verified (a portal answer the cloud must not count).
 */
export const SIM_RP_ID = 'rp_1234567890abcdef';
export const SIM_APP_ID = 'app_staging_roluatm0sim';
const BODY_LIMIT = 1024 * 1024;

export type PortalMode = 'ok' | 'fail_5xx' | 'timeout' | 'invalid' | 'unverified_item';

export interface FakePortalOptions {
  port?: number;
  appId?: string;
  /** rp ids the portal knows; any other gets 404 not_found. Without it, every `rp_…` id is known. */
  rpIds?: string[];
  /** Bearer key the transaction API requires; default SIM_PORTAL_API_KEY. */
  apiKey?: string;
}

export interface PortalCall {
  path: string;
  body: unknown;
}

export interface FakePortal {
  url: string;
  appId: string;
  close(): Promise<void>;
  setMode(mode: PortalMode): void;
  calls(): PortalCall[];
  payments: FakePayments;
}

interface PortalState {
  mode: PortalMode;
  knows(rpId: string): boolean;
  calls: PortalCall[];
  seenNullifiers: Set<string>;
}

async function handleVerify(state: PortalState, rpId: string, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const body = parseJson(await readBody(req, BODY_LIMIT));
  state.calls.push({ path, body });
  if (state.mode === 'timeout') return; // never answered; close() drops the socket
  if (state.mode === 'fail_5xx') return sendJson(res, 503, { code: 'service_unavailable', detail: 'Simulated outage.' });
  if (!state.knows(rpId)) return sendJson(res, 404, { code: 'not_found', detail: `Unknown rp_id ${rpId}.` });
  if (state.mode === 'invalid') {
    return sendJson(res, 400, { code: 'all_verifications_failed', detail: 'Simulated refusal.', results: [] });
  }
  const verdict = verifyResultBody(body, state.seenNullifiers);
  if (state.mode === 'unverified_item' && verdict.status === 200) {
    const results = verdict.body.results.map((r) => ({ ...r, success: false }));
    return sendJson(res, 200, { success: true, action: verdict.body.action, results });
  }
  sendJson(res, verdict.status, verdict.body);
}

export async function startFakePortal(opts: FakePortalOptions = {}): Promise<FakePortal> {
  const rpIds = opts.rpIds ? new Set(opts.rpIds) : null;
  const knows = (rpId: string) => (rpIds ? rpIds.has(rpId) : rpId.startsWith('rp_'));
  const state: PortalState = { mode: 'ok', knows, calls: [], seenNullifiers: new Set() };
  const payments = createFakePayments({ appId: opts.appId ?? SIM_APP_ID, ...(opts.apiKey ? { apiKey: opts.apiKey } : {}) });
  const listening = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://portal');
      const path = url.pathname;
      const verify = /^\/api\/v4\/verify\/([^/]+)$/.exec(path);
      try {
        if (req.method === 'POST' && verify) return await handleVerify(state, decodeURIComponent(verify[1] ?? ''), req, res, path);
        if (await payments.handle(req, res, url)) return;
      } catch (cause) {
        if (cause instanceof BodyTooLargeError) return sendJson(res, 413, { code: 'body_too_large', detail: cause.message });
        throw cause;
      }
      sendJson(res, 404, { code: 'not_found', detail: `No route ${req.method} ${path}.` });
    },
    opts.port ?? 0,
    '127.0.0.1',
  );
  return {
    url: listening.url,
    appId: opts.appId ?? SIM_APP_ID,
    close: listening.close,
    setMode: (mode) => {
      state.mode = mode;
    },
    calls: () => [...state.calls],
    payments,
  };
}
