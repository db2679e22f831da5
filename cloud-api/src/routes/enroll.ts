import { createRoute } from '@hono/zod-openapi';
import { newId } from '../../../contract/clock';
import {
  EnrollmentCodeResponseSchema,
  EnrollRequestSchema,
  EnrollResponseSchema,
  ErrorCodes,
  type EnrollResponse,
} from '../../../contract/http';
import { consumeEnrollmentCode, insertEnrollmentCode } from '../db/enrollment';
import { insertKiosk } from '../db/kiosks';
import { amountPolicyOf } from '../config';
import { HttpError } from '../http-error';
import { randomEnrollmentCode, randomToken, sha256Hex } from '../secrets';
import { apiRoute, ERROR_RESPONSES, jsonBody, jsonResponse, OPERATOR_ROLE, PUBLIC } from './api-route';
import { audit } from '../operators/audit';
import { readNoFields } from './request-body';

const CODE_TTL_MS = 24 * 60 * 60 * 1000;

/** Codes are compared case-insensitively and without separators, as people type them. */
const normalizeCode = (code: string) => code.toUpperCase().replace(/[^0-9A-Z]/g, '');

export const enrollRoutes = [
  // POST /v1/fleet/enrollment-codes (operator): a one-time code, stored hashed, valid 24 h.
  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/fleet/enrollment-codes',
      summary: 'a one-time kiosk enrolment code (24 h); takes an empty body or {}',
      security: OPERATOR_ROLE,
      responses: { 201: jsonResponse('the code', EnrollmentCodeResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      await readNoFields(c);
      const code = randomEnrollmentCode();
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
      await deps.db.tx(async (q) => {
        await insertEnrollmentCode(q, { codeHash: sha256Hex(normalizeCode(code)), expiresAt, now });
        await audit(c, deps, 'enrollment_code.issue', { q, details: { expires_at: expiresAt.toISOString() } });
      });
      return c.json({ code, expires_at: expiresAt.toISOString() }, 201);
    },
  ),

  // POST /v1/kiosks/enroll: consumes the code and issues the kiosk token (stored as its SHA-256 only).
  apiRoute(
    createRoute({
      method: 'post',
      path: '/v1/kiosks/enroll',
      summary: 'enrol a kiosk with a code',
      security: PUBLIC,
      request: { body: jsonBody(EnrollRequestSchema) },
      responses: { 201: jsonResponse('the kiosk token and the job public key', EnrollResponseSchema), ...ERROR_RESPONSES },
    }),
    (deps) => async (c) => {
      const body = c.req.valid('json');
      const kioskId = newId();
      const token = randomToken();
      const now = deps.clock.now();
      await deps.db.tx(async (q) => {
        await insertKiosk(q, { id: kioskId, name: body.name, tokenHash: sha256Hex(token), now });
        if (await consumeEnrollmentCode(q, { codeHash: sha256Hex(normalizeCode(body.code)), kioskId, now })) return;
        throw new HttpError(422, ErrorCodes.enrollmentCodeInvalid, 'this enrolment code is unknown, used or expired; ask the operator for a new one');
      });
      deps.log.info({ kiosk_id: kioskId }, 'kiosk enrolled');
      const res: EnrollResponse = {
        kiosk_id: kioskId,
        token,
        job_public_key: deps.signer.publicKeySpkiB64,
        job_public_keys: [...deps.signer.announcedKeys],
        amount_policy: amountPolicyOf(deps.config),
      };
      return c.json(res, 201);
    },
  ),
];
