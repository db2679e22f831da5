import type { RpContext } from '../../contract/http';

/**
 * What the flow needs from main/worldid/request.ts (startWorldIdRequest). Declared here so the
 * flow can be tested with a fake; the real one drives idkit-core (world-id.md "Kiosk side").
 */
export type WorldIdWaitResult = { ok: true; result: unknown } | { ok: false; code: string; message: string };

export interface WorldIdRequestHandle {
  connectorURI: string;
  requestId: string;
  wait(opts: { timeoutMs: number; abort?: AbortSignal }): Promise<WorldIdWaitResult>;
}

export interface WorldIdRequestOptions {
  appId: string;
  action: string;
  rpContext: RpContext;
  signal: string;
  bridgeUrl?: string;
  returnTo?: string;
  environment?: 'production' | 'staging';
}

export type StartWorldIdRequest = (opts: WorldIdRequestOptions) => Promise<WorldIdRequestHandle>;
