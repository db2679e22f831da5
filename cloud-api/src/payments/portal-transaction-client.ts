import { setTimeout as delay } from 'node:timers/promises';
import { portalCall, type PortalAnswer } from '../portal-http';
import { PortalTransactionSchema, type PortalTransaction } from './portal-transaction';

/**
 * Client for the Developer Portal transaction API (world-id.md "Payment in World App"):
 * `GET {base}/api/v2/minikit/transaction/{id}?app_id=…&type=payment` with `Authorization: Bearer <api key>`.
 * - 200 with a transaction → found (zod-checked); 404, or 200 with an empty list → not found.
 * - 5xx, 429, timeouts, network errors and an unreadable 200 body are retried `retries` more times,
 *   then PaymentPortalUnavailableError (code dependency_down).
 * - 400/401/403 mean our app id or API key is wrong: thrown at once, as a configuration fault.
 * The API key never appears in an error, a log line or a thrown message.
 */
export interface PortalTransactionConfig {
  baseUrl: string;
  appId: string;
  apiKey: string;
  timeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
}

export type PortalTransactionLookup = { found: true; transaction: PortalTransaction } | { found: false; code: 'not_found' };

export class PaymentPortalUnavailableError extends Error {
  readonly code = 'dependency_down';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PaymentPortalUnavailableError';
  }
}

type Attempt = { kind: 'done'; lookup: PortalTransactionLookup } | { kind: 'retry'; reason: string; cause?: unknown };

/** The real portal has answered both a bare object and a one-element list; accept either. */
function readBody(json: unknown): Attempt {
  const item: unknown = Array.isArray(json) ? json[0] : json;
  if (Array.isArray(json) && json.length === 0) return { kind: 'done', lookup: { found: false, code: 'not_found' } };
  const parsed = PortalTransactionSchema.safeParse(item);
  if (!parsed.success) return { kind: 'retry', reason: 'portal answered 200 with a body that is not a transaction', cause: parsed.error };
  return { kind: 'done', lookup: { found: true, transaction: parsed.data } };
}

async function attempt(url: string, apiKey: string, timeoutMs: number): Promise<Attempt> {
  let res: PortalAnswer;
  try {
    res = await portalCall(url, { method: 'GET', headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' }, timeoutMs });
  } catch (cause) {
    return { kind: 'retry', reason: `no answer within ${timeoutMs} ms or network error`, cause };
  }
  const json = res.json;
  if (res.status >= 500 || res.status === 429) return { kind: 'retry', reason: `portal answered ${res.status}` };
  if (res.status === 404) return { kind: 'done', lookup: { found: false, code: 'not_found' } };
  if (res.status === 400 || res.status === 401 || res.status === 403) {
    throw new PaymentPortalUnavailableError(
      `Developer Portal refused our credentials (${res.status}); check DEV_PORTAL_API_KEY and the World ID app id in the cloud config`,
      res.status,
    );
  }
  if (res.status >= 200 && res.status < 300) return readBody(json);
  return { kind: 'retry', reason: `portal answered ${res.status}` };
}

export function portalTransactionUrl(cfg: Pick<PortalTransactionConfig, 'baseUrl' | 'appId'>, transactionId: string): string {
  const query = new URLSearchParams({ app_id: cfg.appId, type: 'payment' });
  return `${cfg.baseUrl.replace(/\/$/, '')}/api/v2/minikit/transaction/${encodeURIComponent(transactionId)}?${query.toString()}`;
}

export async function fetchPortalTransaction(cfg: PortalTransactionConfig, transactionId: string): Promise<PortalTransactionLookup> {
  const url = portalTransactionUrl(cfg, transactionId);
  const retries = cfg.retries ?? 2;
  let last: Attempt | null = null;
  for (let i = 0; i <= retries; i++) {
    if (i > 0) await delay((cfg.retryDelayMs ?? 250) * i);
    last = await attempt(url, cfg.apiKey, cfg.timeoutMs ?? 5000);
    if (last.kind === 'done') return last.lookup;
  }
  const reason = last?.kind === 'retry' ? last.reason : 'unknown';
  throw new PaymentPortalUnavailableError(`Developer Portal transaction API unavailable after ${retries + 1} tries (${reason}); try again later`, undefined, {
    cause: last?.kind === 'retry' ? last.cause : undefined,
  });
}
