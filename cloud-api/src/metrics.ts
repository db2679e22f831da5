import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * This instance's metrics for GET /metrics (issue 17: prom-client, replacing the hand-written exposition): HTTP
 * requests by method, route and status, time to answer by route, 429s by limit, and prom-client's default process
 * metrics (CPU, memory, handles, GC) and event-loop lag. One Registry per app, so tests with several apps in one
 * process never share (or double-register) a metric. The database gauges are added by routes/metrics.ts.
 */
export interface HttpMetrics {
  record(method: string, route: string, status: number, ms: number): void;
  rateLimited(scope: 'ip' | 'kiosk' | 'transaction'): void;
  /** Prometheus text exposition of this registry. */
  text(): Promise<string>;
  readonly contentType: string;
}

/** Escapes a Prometheus label value (backslash, quote, newline) for the hand-built database gauge lines. */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'roluatm_' });
  const requests = new Counter({
    name: 'roluatm_http_requests_total', help: 'HTTP requests answered by this instance.', labelNames: ['method', 'route', 'status'], registers: [registry],
  });
  const duration = new Histogram({
    name: 'roluatm_http_request_duration_seconds', help: 'Time to answer, by route.', labelNames: ['route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30], registers: [registry],
  });
  const limited = new Counter({ name: 'roluatm_rate_limited_total', help: 'Requests refused with 429, by limit.', labelNames: ['scope'], registers: [registry] });
  for (const scope of ['ip', 'kiosk', 'transaction']) limited.inc({ scope }, 0);
  return {
    record(method, route, status, ms) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ route }, ms / 1000);
    },
    rateLimited(scope) {
      limited.inc({ scope });
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
