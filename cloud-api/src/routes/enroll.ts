import { Hono } from 'hono';
import { newId } from '../../../contract/clock';
import { NoBodySchema } from '../../../contract/fleet';
import { EnrollRequestSchema, ErrorCodes, type EnrollResponse } from '../../../contract/http';
import { consumeEnrollmentCode, insertEnrollmentCode } from '../db/enrollment';
import { insertKiosk } from '../db/kiosks';
import { amountPolicyOf } from '../config';
import type { AppEnv, Deps } from '../deps';
import { HttpError } from '../http-error';
import { randomEnrollmentCode, randomToken, sha256Hex } from '../secrets';
import { operatorAuth } from './auth';
import { readBody } from './request-body';

const CODE_TTL_MS = 24 * 60 * 60 * 1000;

/** Codes are compared case-insensitively and without separators, as people type them. */
const normalizeCode = (code: string) => code.toUpperCase().replace(/[^0-9A-Z]/g, '');

export function enrollRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  // POST /v1/fleet/enrollment-codes (operator): a one-time code, stored hashed, valid 24 h.
  app.post('/v1/fleet/enrollment-codes', operatorAuth(deps), async (c) => {
    // Takes no fields: an empty body, or `{}` as application/json (strict, like every route). A body
    // without a content type was once ignored and the code issued anyway (found by test/fuzz/cloud-routes.ts).
    if ((await c.req.text()) !== '') await readBody(c, NoBodySchema);
    const code = randomEnrollmentCode();
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    await insertEnrollmentCode(deps.db, { codeHash: sha256Hex(normalizeCode(code)), expiresAt, now });
    return c.json({ code, expires_at: expiresAt.toISOString() }, 201);
  });

  // POST /v1/kiosks/enroll: consumes the code and issues the kiosk token (stored as its SHA-256 only).
  app.post('/v1/kiosks/enroll', async (c) => {
    const body = await readBody(c, EnrollRequestSchema);
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
      amount_policy: amountPolicyOf(deps.config),
    };
    return c.json(res, 201);
  });

  return app;
}
