/** In-process HTTP counters for GET /metrics (Prometheus text exposition format 0.0.4). Per instance. */
export interface HttpMetrics {
  record(method: string, route: string, status: number, ms: number): void;
  rateLimited(scope: 'ip' | 'kiosk' | 'transaction'): void;
  lines(): string[];
}

const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 30_000];

/** Escapes a Prometheus label value (backslash, quote, newline). */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function createHttpMetrics(): HttpMetrics {
  const requests = new Map<string, number>();
  const hist = new Map<string, { buckets: number[]; sum: number; count: number }>();
  const limited = { ip: 0, kiosk: 0, transaction: 0 };
  return {
    record(method, route, status, ms) {
      const key = `method="${labelValue(method)}",route="${labelValue(route)}",status="${status}"`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      const hk = `route="${labelValue(route)}"`;
      const h = hist.get(hk) ?? { buckets: BUCKETS_MS.map(() => 0), sum: 0, count: 0 };
      BUCKETS_MS.forEach((le, i) => {
        if (ms <= le) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
      });
      h.sum += ms / 1000;
      h.count += 1;
      hist.set(hk, h);
    },
    rateLimited(scope) {
      limited[scope] += 1;
    },
    lines() {
      const out = ['# HELP roluatm_http_requests_total HTTP requests answered by this instance.', '# TYPE roluatm_http_requests_total counter'];
      for (const [k, v] of requests) out.push(`roluatm_http_requests_total{${k}} ${v}`);
      out.push('# HELP roluatm_http_request_duration_seconds Time to answer, by route.', '# TYPE roluatm_http_request_duration_seconds histogram');
      for (const [k, h] of hist) {
        BUCKETS_MS.forEach((le, i) => out.push(`roluatm_http_request_duration_seconds_bucket{${k},le="${le / 1000}"} ${h.buckets[i] ?? 0}`));
        out.push(`roluatm_http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
        out.push(`roluatm_http_request_duration_seconds_sum{${k}} ${h.sum}`, `roluatm_http_request_duration_seconds_count{${k}} ${h.count}`);
      }
      out.push('# HELP roluatm_rate_limited_total Requests refused with 429, by limit.', '# TYPE roluatm_rate_limited_total counter');
      for (const [scope, n] of Object.entries(limited)) out.push(`roluatm_rate_limited_total{scope="${scope}"} ${n}`);
      return out;
    },
  };
}
