import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { fleetCounts } from '../db/fleet';
import { labelValue } from '../metrics';
import { apiRoute, ERROR_RESPONSES, VIEWER } from './api-route';

/** GET /metrics (operator token): Prometheus text — database gauges of open work (db/fleet.ts fleetCounts: indexes only), plus this instance's prom-client registry. */
export const metricsRoutes = [
  apiRoute(
    createRoute({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus text exposition',
      security: VIEWER,
      responses: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: z.string() } } }, ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const counts = await fleetCounts(deps.db);
      const lines: string[] = [];
      for (const metric of [...new Set(counts.map((r) => r.metric))]) {
        const name = `roluatm_${metric}`;
        lines.push(`# HELP ${name} Open ${metric.replace(/_/g, ' ')} by status, from partial indexes (database, all instances).`, `# TYPE ${name} gauge`);
        for (const r of counts.filter((x) => x.metric === metric)) lines.push(`${name}{status="${labelValue(r.label)}"} ${r.n}`);
      }
      lines.push('# HELP roluatm_payment_mode_info The configured payment mode.', '# TYPE roluatm_payment_mode_info gauge');
      lines.push(`roluatm_payment_mode_info{mode="${deps.config.PAYMENT_MODE}"} 1`);
      // This instance's HTTP counters and process/event-loop metrics (prom-client, metrics.ts).
      return c.text(`${lines.join('\n')}\n${await deps.metrics.text()}`, 200, { 'content-type': deps.metrics.contentType });
    },
  ),
];
