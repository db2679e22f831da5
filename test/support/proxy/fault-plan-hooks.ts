import { ErrorCodes } from '../../../contract/http';
import type { Exchange, ProxyHooks, RequestAction } from './actions';
import type { Fault, FaultSelector } from './fault-plan';
import type { ProxyStats } from './proxy-stats';

/**
 * The fault plan as proxy hooks: a fault is picked once per request, just before it would be
 * forwarded, and acts then (refuse, drop, delay, partial body, duplicate, 5xx, blackhole) or once
 * the target has answered (lost response, delayed response).
 */
export function faultPlanHooks(selector: FaultSelector, stats: ProxyStats): ProxyHooks {
  const picked = new WeakMap<Exchange, Fault>();
  return {
    forward(ex) {
      const fault = selector.pickForRequest(ex.method, ex.path);
      if (!fault) return;
      stats.faultOnRequest(ex.method, ex.path, fault.kind);
      picked.set(ex, fault);
      return beforeTarget(fault);
    },
    answer(ex) {
      const fault = picked.get(ex);
      if (fault?.kind === 'lose_response') return { kind: 'drop' };
      if (fault?.kind === 'delay_ms' && fault.phase === 'response') return { kind: 'delay', ms: fault.ms };
    },
  };
}

function beforeTarget(fault: Fault): RequestAction | undefined {
  switch (fault.kind) {
    case 'refuse':
      return { kind: 'reset' };
    case 'drop_connection':
      return { kind: 'drop' };
    case 'blackhole':
      return { kind: 'hold' };
    case 'delay_ms':
      return fault.phase === 'request' ? { kind: 'delay', ms: fault.ms } : undefined;
    case 'reset_mid_request_body':
      return { kind: 'reset_mid_body', afterBytes: fault.afterBytes };
    case 'duplicate_request':
      return { kind: 'duplicate', order: fault.order };
    case 'respond_5xx':
      return injectedError(fault.status);
    case 'lose_response':
      return undefined;
  }
}

/** The cloud's error shape (contract/http.ts ErrorBody), so the kiosk treats it like a real 5xx. */
function injectedError(status: number): RequestAction {
  const body = JSON.stringify({ error: { code: ErrorCodes.dependencyDown, message: `fault proxy: injected ${status}; retry later` } });
  return { kind: 'respond', status, headers: { 'content-type': 'application/json' }, body };
}
