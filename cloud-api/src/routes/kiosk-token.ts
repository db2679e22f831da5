import { createRoute } from '@hono/zod-openapi';
import { ErrorCodes, RotateTokenRequestSchema, RotateTokenResponseSchema, type RotateTokenResponse } from '../../../contract/http';
import { rotateKioskToken } from '../db/kiosks';
import { HttpError } from '../http-error';
import { sha256Hex } from '../secrets';
import { apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, KIOSK } from './api-route';
import { bearer } from './auth';

/**
 * POST /v1/kiosks/token (kiosk auth): the kiosk replaces its token with one it made and stored first
 * (main/sync/token-rotation.ts). The token used to ask stays valid for KIOSK_TOKEN_GRACE_SEC, then is
 * refused (401). Sending the new token again answers 200 and changes nothing, so a kiosk that lost the
 * answer, or crashed before keeping it, finishes with either token. Only the current token can rotate
 * (409 otherwise), and the cloud stores only the SHA-256 (docs/SECURITY.md "Kiosk token rotation").
 */
export const kioskTokenRoutes = [
  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/kiosks/token',
      summary: 'rotate this kiosk’s token (the old one works for a grace period)',
      security: KIOSK,
      request: { body: jsonBody(RotateTokenRequestSchema) },
      responses: { 200: jsonResponse('the new token is current', RotateTokenResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const body = c.req.valid('json');
      const kiosk = c.get('kiosk');
      const presented = bearer(c.req.header('authorization')) ?? '';
      const now = deps.clock.now();
      const r = await deps.db.tx((q) =>
        rotateKioskToken(q, { kioskId: kiosk.id, presentedHash: sha256Hex(presented), newHash: sha256Hex(body.new_token), now, graceSec: deps.config.KIOSK_TOKEN_GRACE_SEC }),
      );
      if (r.kind === 'not_current') throw new HttpError(409, ErrorCodes.conflict, 'only the current kiosk token can rotate it; this one was replaced');
      if (r.kind === 'taken') throw new HttpError(409, ErrorCodes.conflict, 'that token cannot be used; make a new random one');
      if (r.kind === 'rotated') deps.log.info({ kiosk_id: kiosk.id }, 'kiosk token rotated');
      const res: RotateTokenResponse = { previous_token_valid_until: r.previousValidUntil?.toISOString() ?? null };
      return c.json(res, 200);
    },
  ),
];
