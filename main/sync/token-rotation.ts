import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { getEnrollment, getPendingToken, promotePendingToken, savePendingToken, type Enrollment } from '../db/kiosk-state';
import type { KioskDb } from '../db/open-db';
import type { CloudClient } from './cloud-client';
import { CloudError } from './cloud-error';

export type RotationOutcome = { kind: 'rotated'; enrollment: Enrollment } | { kind: 'not_enrolled' } | { kind: 'failed'; code: string };

/**
 * The kiosk rotates its own token (POST /v1/kiosks/token; docs/SECURITY.md "Kiosk token rotation"):
 * 1. the new token is made here and stored as pending (one SQLite write) BEFORE the cloud hears of it;
 * 2. the cloud is asked with the current token; it answers 200 for the rotation and for a repeat of it;
 * 3. on 200, the pending token becomes the enrolment's token (one SQLite transaction).
 * A crash or a lost answer anywhere leaves the pending token stored, and the next call finishes the same
 * rotation: with the stored token while it is current or in its grace period, else with the pending one
 * (the cloud took it). Nothing the cloud may accept is ever forgotten. A pending token left from an
 * unfinished rotation is reused, never replaced.
 */
export async function rotateKioskToken(deps: { db: KioskDb; log: Logger; client: Pick<CloudClient, 'rotateToken'> }): Promise<RotationOutcome> {
  const enrollment = getEnrollment(deps.db);
  if (!enrollment) return { kind: 'not_enrolled' };
  let pending = getPendingToken(deps.db);
  if (!pending) {
    pending = randomBytes(32).toString('base64url');
    savePendingToken(deps.db, pending);
  }
  let lastCode = 'unauthorized';
  for (const bearer of [enrollment.token, pending]) {
    try {
      await deps.client.rotateToken(pending, bearer);
      const next = promotePendingToken(deps.db);
      if (!next) return { kind: 'not_enrolled' };
      deps.log.info({ kioskId: next.kiosk_id }, 'kiosk token rotated');
      return { kind: 'rotated', enrollment: next };
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
      lastCode = e.code;
      // 401: this token is not (or no longer) accepted — try the other one; anything else: try again later.
      if (e.status !== 401) break;
    }
  }
  deps.log.warn({ code: lastCode }, 'kiosk token rotation not finished; the new token is kept and the rotation is finished later');
  return { kind: 'failed', code: lastCode };
}
