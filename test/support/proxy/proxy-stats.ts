import { FAULT_KINDS, type FaultKind } from './fault-plan';

export interface PathStats {
  requests: number;
  faults: Partial<Record<FaultKind, number>>;
}

/** Counters a test reads through `proxy.stats()`; a copy, so later traffic does not change it. */
export interface FaultProxyStats {
  /** Client connections accepted (refused ones included). */
  connections: number;
  /** Whole requests read from clients. */
  requests: number;
  /** Requests written in full to the target (each duplicate copy counts). */
  forwarded: number;
  /** Responses written to clients, injected 5xx included. */
  responses: number;
  /** Target unreachable, closed early or sent garbage. */
  upstreamErrors: number;
  faults: Record<FaultKind, number>;
  /** Keyed 'METHOD /path' (query dropped); connections refused before any request count under '(connection)'. */
  paths: Record<string, PathStats>;
}

export const CONNECTION_KEY = '(connection)';

const pathKey = (method: string, target: string): string => `${method} ${target.split('?')[0] ?? ''}`;

export class ProxyStats {
  private readonly s: FaultProxyStats = {
    connections: 0,
    requests: 0,
    forwarded: 0,
    responses: 0,
    upstreamErrors: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    paths: {},
  };

  connection(): void {
    this.s.connections += 1;
  }

  refusedConnection(): void {
    this.fault(this.path(CONNECTION_KEY), 'refuse');
  }

  request(method: string, target: string): void {
    this.s.requests += 1;
    this.path(pathKey(method, target)).requests += 1;
  }

  faultOnRequest(method: string, target: string, fault: FaultKind): void {
    this.fault(this.path(pathKey(method, target)), fault);
  }

  forwarded(): void {
    this.s.forwarded += 1;
  }

  response(): void {
    this.s.responses += 1;
  }

  upstreamError(): void {
    this.s.upstreamErrors += 1;
  }

  snapshot(): FaultProxyStats {
    return structuredClone(this.s);
  }

  private path(key: string): PathStats {
    const existing = this.s.paths[key];
    if (existing) return existing;
    const created: PathStats = { requests: 0, faults: {} };
    this.s.paths[key] = created;
    return created;
  }

  private fault(p: PathStats, kind: FaultKind): void {
    this.s.faults[kind] += 1;
    p.faults[kind] = (p.faults[kind] ?? 0) + 1;
  }
}
