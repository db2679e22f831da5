import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { portalCall, type PortalAnswer } from '../portal-http';

/**
 * Client for the Developer Portal's verify endpoint (world-id.md "Verify"):
 * `POST {base}/api/v4/verify/{rp_id}` with the IDKit result as the body, no API key.
 * 200 → verified; 400 (or another 4xx) → the proof is refused; 5xx, 429, timeouts and network
 * errors are retried (`retries` more times) and then throw PortalUnavailableError.
 * A 404 means the portal does not know our rp_id: a configuration fault, thrown at once.
 * The portal does not check signal, nonce or nullifier reuse; see check-result.ts.
 */
export interface PortalConfig {
  baseUrl: string;
  rpId: string;
  timeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
}

/** `nullifiers`: only those of items the portal says verified (`results[].success`), as numbers. */
export type PortalVerdict =
  | { ok: true; nullifiers: bigint[]; action: string }
  | { ok: false; code: 'proof_invalid'; message: string };

export class PortalUnavailableError extends Error {
  readonly code = 'dependency_down';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PortalUnavailableError';
  }
}

const SuccessSchema = z.object({
  success: z.literal(true),
  action: z.string(),
  nullifier: z.string().optional(),
  results: z.array(z.object({ success: z.boolean(), nullifier: z.string().optional() })).optional(),
});
const RefusalSchema = z.object({ code: z.string().optional(), detail: z.string().optional() });

/** A portal nullifier (`0x…`, `nil_…`, up to 64 hex digits) as a number; anything else is dropped. */
function nullifierNumber(value: string): bigint | null {
  const hex = /^(?:0x|nil_)?([0-9a-fA-F]{1,64})$/.exec(value)?.[1];
  return hex === undefined ? null : BigInt('0x' + hex);
}

type Attempt = { kind: 'done'; verdict: PortalVerdict } | { kind: 'retry'; reason: string; cause?: unknown };

async function attempt(url: string, body: string, timeoutMs: number): Promise<Attempt> {
  let res: PortalAnswer;
  try {
    res = await portalCall(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs });
  } catch (cause) {
    return { kind: 'retry', reason: `no answer within ${timeoutMs} ms or network error`, cause };
  }
  const json = res.json;
  if (res.status >= 500 || res.status === 429) return { kind: 'retry', reason: `portal answered ${res.status}` };
  if (res.status === 404) {
    throw new PortalUnavailableError('Developer Portal does not know this rp_id; check the World ID rp id in the cloud config');
  }
  if (res.status >= 200 && res.status < 300) {
    const ok = SuccessSchema.safeParse(json);
    if (!ok.success) return { kind: 'retry', reason: 'portal answered 200 with an unexpected body' };
    // Per-item results are authoritative; the top-level nullifier counts only when there are none.
    const fromResults = (ok.data.results ?? []).filter((r) => r.success && r.nullifier).map((r) => r.nullifier as string);
    const raw = ok.data.results && ok.data.results.length > 0 ? fromResults : ok.data.nullifier ? [ok.data.nullifier] : [];
    const nullifiers = raw.map(nullifierNumber).filter((n): n is bigint => n !== null);
    return { kind: 'done', verdict: { ok: true, nullifiers, action: ok.data.action } };
  }
  const refusal = RefusalSchema.safeParse(json);
  const detail = refusal.success ? [refusal.data.code, refusal.data.detail].filter(Boolean).join(': ') : `status ${res.status}`;
  return { kind: 'done', verdict: { ok: false, code: 'proof_invalid', message: `World ID proof refused by the Developer Portal (${detail})` } };
}

export async function verifyWithPortal(cfg: PortalConfig, result: unknown): Promise<PortalVerdict> {
  const url = `${cfg.baseUrl.replace(/\/$/, '')}/api/v4/verify/${encodeURIComponent(cfg.rpId)}`;
  const body = JSON.stringify(result);
  const retries = cfg.retries ?? 2;
  let last: Attempt | null = null;
  for (let i = 0; i <= retries; i++) {
    if (i > 0) await delay((cfg.retryDelayMs ?? 250) * i);
    last = await attempt(url, body, cfg.timeoutMs ?? 5000);
    if (last.kind === 'done') return last.verdict;
  }
  const reason = last?.kind === 'retry' ? last.reason : 'unknown';
  throw new PortalUnavailableError(`Developer Portal unavailable after ${retries + 1} tries (${reason}); try again later`, {
    cause: last?.kind === 'retry' ? last.cause : undefined,
  });
}
