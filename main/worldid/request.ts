import { IDKit, proofOfHuman, type IDKitRequest } from '@worldcoin/idkit-core';
import type { RpContext } from '../../contract/http';
import { installFetchFileShim } from './fetch-file-shim';

/**
 * The kiosk's side of World ID (world-id.md "Kiosk side: idkit-core 4.x"). One request per
 * transaction; its signal is the transaction id, so a proof cannot be replayed for another one.
 * Every call into idkit-core is wrapped: the WASM layer throws strings and network failures reject,
 * and both become `{ok:false, code, message}` here.
 *
 * Preset: `proofOfHuman` with `allow_legacy_proofs: true` asks for a 4.0 proof and lets World App
 * fall back to a 3.0 Orb proof (`orbLegacy` would ask for 3.0 only and carries no signed proof_request).
 */
export interface WorldIdRequestOptions {
  appId: string;
  action: string;
  rpContext: RpContext;
  /** The transaction id. */
  signal: string;
  bridgeUrl?: string;
  returnTo?: string;
  environment?: 'production' | 'staging';
  /** WORLD_ID_ALLOW_STAGING=1: a staging app id (`app_staging_…`) may be used (demo and tests only). */
  allowStaging?: boolean;
}

export type WorldIdOutcome =
  | { ok: true; result: Record<string, unknown> }
  | { ok: false; code: string; message: string };

export interface WorldIdRequest {
  connectorURI: string;
  requestId: string;
  wait(o: { timeoutMs: number; abort?: AbortSignal; pollIntervalMs?: number }): Promise<WorldIdOutcome>;
}

export class WorldIdRequestError extends Error {
  constructor(
    readonly code: 'request_failed' | 'connection_failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What a person should do for each code; World App codes not listed fall back to `generic`. */
const MESSAGES: Record<string, string> = {
  timeout: 'No answer from World App in time; start again and scan the code promptly.',
  cancelled: 'The request was cancelled.',
  connection_failed: 'Cannot reach the World ID bridge; check the kiosk network and try again.',
  user_rejected: 'The request was declined in World App.',
  verification_rejected: 'The request was declined in World App.',
  max_verifications_reached: 'This World ID has already been used for this action the maximum number of times.',
  credential_unavailable: 'This World ID is not Orb-verified; verify at an Orb first.',
  generic: 'World App could not complete the verification; try again.',
};

function describe(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  return typeof thrown === 'string' ? thrown : JSON.stringify(thrown);
}

function failure(code: string, detail?: string): WorldIdOutcome {
  const base = MESSAGES[code] ?? MESSAGES.generic ?? '';
  return { ok: false, code, message: detail ? `${base} (${detail})` : base };
}

/** Network-looking failures (fetch TypeError, reqwest "error sending request", bridge status) → connection_failed. */
function classifyThrown(thrown: unknown): WorldIdOutcome {
  const text = describe(thrown);
  if (/fetch failed|error sending request|Bridge request failed|ECONNREFUSED|network|Connection to bridge failed/i.test(text)) {
    return failure('connection_failed', text);
  }
  return failure('generic_error', text);
}

type Completion = Awaited<ReturnType<IDKitRequest['pollUntilCompletion']>>;

/**
 * idkit checks its timeout and the abort signal only between polls, and a poll waits for the bridge
 * as long as the bridge takes (undici gives up on headers after 300 s). So the deadline and the
 * abort are enforced here too: `timeout` at `timeoutMs` even while a poll hangs, `cancelled` as
 * soon as the kiosk aborts; either one also stops idkit's loop at its next check.
 */
function settleByDeadline(poll: (signal: AbortSignal) => Promise<Completion>, timeoutMs: number, abort?: AbortSignal): Promise<Completion> {
  const cancelled = { success: false, error: 'cancelled' } as Completion;
  if (abort?.aborted) return Promise.resolve(cancelled);
  const stop = new AbortController();
  return new Promise<Completion>((resolve, reject) => {
    const finish = (outcome: Completion) => {
      clearTimeout(timer);
      abort?.removeEventListener('abort', onAbort);
      stop.abort();
      resolve(outcome);
    };
    const onAbort = () => finish(cancelled);
    const timer = setTimeout(() => finish({ success: false, error: 'timeout' } as Completion), timeoutMs);
    abort?.addEventListener('abort', onAbort, { once: true });
    poll(stop.signal).then(finish, (thrown: unknown) => {
      clearTimeout(timer);
      abort?.removeEventListener('abort', onAbort);
      stop.abort();
      reject(thrown);
    });
  });
}

function wrap(request: IDKitRequest): WorldIdRequest {
  return {
    connectorURI: request.connectorURI,
    requestId: request.requestId,
    async wait({ timeoutMs, abort, pollIntervalMs }) {
      try {
        const done = await settleByDeadline(
          (signal) => request.pollUntilCompletion({ timeout: timeoutMs, signal, pollInterval: pollIntervalMs ?? 1000 }),
          timeoutMs,
          abort,
        );
        if (done.success) return { ok: true, result: done.result as unknown as Record<string, unknown> };
        return failure(String(done.error));
      } catch (thrown) {
        if (abort?.aborted) return failure('cancelled');
        return classifyThrown(thrown);
      }
    },
  };
}

/**
 * Creates the request on the bridge and returns the QR payload. Rejects with WorldIdRequestError
 * (code `connection_failed` when the bridge cannot be reached, else `request_failed`).
 */
export async function startWorldIdRequest(opts: WorldIdRequestOptions): Promise<WorldIdRequest> {
  installFetchFileShim();
  if (!opts.appId.startsWith('app_')) throw new WorldIdRequestError('request_failed', `app id must start with "app_" (got "${opts.appId}"); fix the cloud config`);
  if (opts.appId.startsWith('app_staging_') && !opts.allowStaging) {
    throw new WorldIdRequestError('request_failed', 'the cloud sent a staging World ID app id; use a production app, or set WORLD_ID_ALLOW_STAGING=1 for a demo');
  }
  try {
    const request = await IDKit.request({
      app_id: opts.appId as `app_${string}`,
      action: opts.action,
      rp_context: opts.rpContext,
      allow_legacy_proofs: true,
      bridge_url: opts.bridgeUrl,
      return_to: opts.returnTo,
      environment: opts.environment,
    }).preset(proofOfHuman({ signal: opts.signal }));
    return wrap(request);
  } catch (thrown) {
    const classified = classifyThrown(thrown);
    const code = !classified.ok && classified.code === 'connection_failed' ? 'connection_failed' : 'request_failed';
    throw new WorldIdRequestError(code, `World ID request not created: ${describe(thrown)}`, { cause: thrown });
  }
}
