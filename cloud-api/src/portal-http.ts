import { request } from 'undici';

/**
 * One HTTP call to the Developer Portal (World ID verify, payment look-ups): status and JSON body (undefined
 * when the body is not JSON or breaks off), within `timeoutMs` for the whole exchange. Network errors and the timeout throw;
 * the callers retry them. undici's `request`, not `fetch`: fetch (WHATWG Request/Response, web streams) cost
 * ≈ 0.8 ms more CPU per call on this VM, ≈ 5 % of the instance's CPU per cash-out (issue 18 round 2,
 * docs/BENCHMARKS.md run E). Same library as Node's fetch, with its own keep-alive pool per origin.
 */
export interface PortalAnswer {
  status: number;
  json: unknown;
}

export async function portalCall(
  url: string,
  o: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<PortalAnswer> {
  const res = await request(url, { method: o.method, headers: o.headers, body: o.body, signal: AbortSignal.timeout(o.timeoutMs) });
  let json: unknown;
  try {
    json = JSON.parse(await res.body.text()) as unknown;
  } catch {
    json = undefined; // not JSON, or the body broke off: the status decides (as with fetch's res.json())
  }
  return { status: res.statusCode, json };
}
