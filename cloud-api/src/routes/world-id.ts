import { createRoute } from '@hono/zod-openapi';
import { ErrorCodes, WorldIdRequestSchema, WorldIdResponseSchema } from '../../../contract/http';
import { getTransaction, toTransactionView } from '../db/transactions';
import { HttpError } from '../http-error';
import { applyClaimProof, claimAnswerOf } from '../claim-flow';
import { applyVerifiedProof, checkVerifiable, recordRefusal, Refusal, repeatedSuccess } from '../world-id-flow';
import { checkResultAgainstTransaction, PortalUnavailableError, verifyWithPortal } from '../worldid';
import { apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, KIOSK } from './api-route';
import { pathIdParams } from './path-id';

/**
 * POST /v1/transactions/:id/world-id: the cloud's own checks (signal, action, nonce), then the Developer
 * Portal, then limits and the job in one DB transaction (world-id.md "Cloud side"). A refusal changes
 * nothing but the audit trail and never creates a job.
 */
export const worldIdRoutes = [
  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/transactions/{id}/world-id',
      summary: 'forward the IDKit result for verification',
      security: KIOSK,
      request: { params: pathIdParams('transaction'), body: jsonBody(WorldIdRequestSchema) },
      responses: { 200: jsonResponse('verified: the job is queued', WorldIdResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const body = c.req.valid('json');
      const kiosk = c.get('kiosk');
      const { id } = c.req.valid('param');
      const cfg = deps.config;
      const found = await getTransaction(deps.db, id);
      const policy = { acceptLegacy: cfg.WORLD_ID_ACCEPT_LEGACY, allowStaging: cfg.WORLD_ID_ALLOW_STAGING };
      const repeat = repeatedSuccess(found, kiosk.id, { result: body.result, policy, action: cfg.WORLD_ID_ACTION });
      if (repeat && repeat.kind === 'claim') return c.json({ transaction: toTransactionView(repeat), claim: await claimAnswerOf(deps.db, repeat) }, 200);
      if (repeat) return c.json({ transaction: toTransactionView(repeat) }, 200);
      try {
        const t = checkVerifiable(found, kiosk.id, deps.clock.now());
        const local = checkResultAgainstTransaction(body.result, { transactionId: t.id, action: cfg.WORLD_ID_ACTION, nonce: t.rp_nonce, policy });
        if (!local.ok && local.code === 'malformed') throw new HttpError(400, ErrorCodes.malformed, local.message);
        if (!local.ok) throw new Refusal(local.code, local.message);
        const portal = await verifyWithPortal({ baseUrl: cfg.DEV_PORTAL_BASE_URL, rpId: cfg.WORLD_ID_RP_ID }, body.result).catch(
          (cause: unknown) => {
            if (cause instanceof PortalUnavailableError) {
              throw new HttpError(503, ErrorCodes.dependencyDown, 'the World ID service is unreachable; try again in a moment', { cause });
            }
            throw cause;
          },
        );
        if (!portal.ok) throw new Refusal(ErrorCodes.proofInvalid, portal.message);
        // Count only a nullifier the portal says it verified (issue 14).
        if (!portal.nullifiers.includes(local.nullifier)) {
          throw new Refusal(ErrorCodes.proofInvalid, 'the Developer Portal did not verify this credential; start a new verification');
        }
        if (t.kind === 'claim') {
          // Issue 15: collecting owed coins — never counted against the daily limit (claim-flow.ts).
          const out = await deps.db.tx((q) => applyClaimProof(deps, q, { transactionId: t.id, kioskId: kiosk.id, nonce: t.rp_nonce, nullifier: local.nullifier }));
          if (!out.ok) throw out.refusal;
          return c.json({ transaction: toTransactionView(out.transaction), claim: out.claim }, 200);
        }
        const after = await deps.db.tx((q) =>
          applyVerifiedProof(deps, q, { transactionId: t.id, kioskId: kiosk.id, nonce: t.rp_nonce, nullifier: local.nullifier, protocolVersion: local.protocolVersion }),
        );
        return c.json({ transaction: toTransactionView(after) }, 200);
      } catch (e) {
        if (e instanceof Refusal && found && found.kiosk_id === kiosk.id) return recordRefusal(deps, found.id, e);
        throw e;
      }
    },
  ),
];
