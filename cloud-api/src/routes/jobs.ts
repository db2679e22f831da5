import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { JobAckResponseSchema, JobResponseSchema } from '../../../contract/http';
import { ackJob, claimNextJob, toSignedJob } from '../db/jobs';
import type { Deps } from '../deps';
import { notFound } from '../http-error';
import { apiRoute, ERROR_RESPONSES, jsonResponse, KIOSK } from './api-route';
import { pathIdParams } from './path-id';

/** Other query parameters are ignored (the kiosk's long-poll sends only `wait`). */
const WaitQuerySchema = z.object({
  wait: z.coerce.number().int().min(0).max(60).default(25).describe('seconds to wait for a job (0–60)'),
});

function claim(deps: Deps, kioskId: string) {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + deps.config.JOB_LEASE_SEC * 1000);
  // With its job.delivered event and, when nothing is claimed, the next lease end: one statement.
  return claimNextJob(deps.db, { kioskId, now, leaseUntil });
}

/** How long to sleep before looking again: until the deadline, or until a running lease may end. */
function nextWakeMs(deps: Deps, deadline: number, lease: Date | undefined): number {
  const remaining = deadline - Date.now();
  if (!lease) return remaining;
  return Math.max(0, Math.min(remaining, lease.getTime() - deps.clock.now().getTime() + 10));
}

/**
 * GET /v1/jobs/next?wait=S: long-poll for the kiosk's next signed job (ARCHITECTURE.md). Subscribes
 * before the first look so a job created in between is never missed; 204 after S seconds; stops
 * waiting when the client goes away. POST /v1/jobs/:id/ack: idempotent; another kiosk's job is 404.
 */
export const jobRoutes = [
  apiRoute(
    createRoute({
      method: 'get',
      path: '/v1/jobs/next',
      summary: 'long-poll for the next signed job (204 when none)',
      security: KIOSK,
      request: { query: WaitQuerySchema },
      responses: { 200: jsonResponse('the next job', JobResponseSchema), 204: { description: 'no job within `wait` seconds' }, ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { wait } = c.req.valid('query');
      const kioskId = c.get('kiosk').id;
      const signal = c.req.raw.signal;
      const deadline = Date.now() + wait * 1000;
      const sub = await deps.notifier.subscribe(kioskId);
      try {
        for (;;) {
          const { job, nextLeaseEnd } = await claim(deps, kioskId);
          if (job) return c.json({ job: toSignedJob(job) }, 200);
          const ms = nextWakeMs(deps, deadline, nextLeaseEnd);
          if (ms <= 0 || signal.aborted) return c.body(null, 204);
          await sub.wait(ms, signal);
          if (signal.aborted) return c.body(null, 204);
        }
      } finally {
        sub.close();
      }
    },
  ),

  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/jobs/{id}/ack',
      summary: 'acknowledge a journalled job',
      security: KIOSK,
      request: { params: pathIdParams('job') },
      responses: { 200: jsonResponse('acked (or its status when already settled)', JobAckResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const { id } = c.req.valid('param');
      const kioskId = c.get('kiosk').id;
      const status = await ackJob(deps.db, { id, kioskId, now: deps.clock.now() });
      if (!status) throw notFound('job');
      return c.json({ job_id: id, status }, 200);
    },
  ),
];
