import { createRoute } from '@hono/zod-openapi';
import { ErrorCodes, SyncRequestSchema, SyncResponseSchema, type SyncResponse } from '../../../contract/http';
import { advanceHighSeq, lockHighSeq, storeKioskEvents } from '../db/sync';
import { amountPolicyOf } from '../config';
import { getRemoteConfig, toDelivery } from '../db/remote-config';
import { HttpError } from '../http-error';
import { applySyncEvent } from '../sync-effects';
import { apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, KIOSK } from './api-route';

/**
 * POST /v1/sync: stores each outbox event once per (kiosk, seq) and applies its effects in the same DB
 * transaction; a replayed event changes nothing. A seq reused with another event id rejects the whole
 * batch (409). Every well-formed event is stored, even when its effect is refused (it is flagged for
 * the operator instead), so a seq is never a permanent gap. Answers the highest contiguous seq stored
 * (contract/sync-events.ts), kept as a per-kiosk high-water mark under a per-kiosk lock, and the cloud's
 * amount policy (limits and fee) for the kiosk's screen.
 */
export const syncRoutes = [
  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/sync',
      summary: 'push outbox events',
      security: KIOSK,
      request: { body: jsonBody(SyncRequestSchema) },
      responses: { 200: jsonResponse('the highest contiguous seq stored', SyncResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const body = c.req.valid('json');
      const kioskId = c.get('kiosk').id;
      const now = deps.clock.now();
      const events = [...body.events].sort((a, b) => a.seq - b.seq);
      const high = await deps.db.tx(async (q) => {
        const from = await lockHighSeq(q, kioskId, now);
        const { stored, conflictSeq } = await storeKioskEvents(q, kioskId, events, now, from);
        if (conflictSeq !== undefined) {
          throw new HttpError(409, ErrorCodes.conflict, `seq ${conflictSeq} is already stored with another event id; the outbox must never reuse a seq`);
        }
        for (const e of stored) await applySyncEvent(q, kioskId, e, now, { lowCoins: deps.config.LOW_COINS_THRESHOLD });
        return advanceHighSeq(q, kioskId, from, now);
      });
      // The answer also carries the cloud's limits and fee: a changed configuration reaches the kiosk here.
      // …and the job keys it accepts, so a job-key rotation reaches every kiosk (docs/SECURITY.md "Job-key rotation").
      // …and the operator's remote config for this kiosk (issue 17), which it applies when idle.
      const remote = toDelivery(await getRemoteConfig(deps.db, kioskId));
      const res: SyncResponse = {
        high_seq: high, amount_policy: amountPolicyOf(deps.config), job_public_keys: [...deps.signer.announcedKeys], ...(remote ? { remote_config: remote } : {}),
      };
      return c.json(res, 200);
    },
  ),
];
