import type { Logger } from 'pino';
import type { KioskDb } from '../db/open-db';
import { getEnrollment, saveEnrollment, type Enrollment } from '../db/kiosk-state';
import { Backoff, realTimers, sleep, type Timers } from './backoff';
import type { CloudClient } from './cloud-client';
import { CloudError } from './cloud-error';

/**
 * Enrolment (ARCHITECTURE.md POST /v1/kiosks/enroll): used once, when no kiosk token is stored.
 * The token and the job public key are kept in kiosk_state; they never reach a log or the UI.
 * While the cloud is unreachable it retries with backoff; a refused code stops (a person must act).
 */
export async function ensureEnrolled(deps: {
  db: KioskDb;
  log: Logger;
  client: Pick<CloudClient, 'enroll'>;
  code: string | null;
  name: string;
  abort: AbortSignal;
  timers?: Timers;
}): Promise<Enrollment | null> {
  const stored = getEnrollment(deps.db);
  if (stored) return stored;
  if (!deps.code) {
    deps.log.error('this kiosk is not enrolled: set ENROLLMENT_CODE (from POST /v1/fleet/enrollment-codes) and restart');
    return null;
  }
  const backoff = new Backoff({ capMs: 60_000 });
  while (!deps.abort.aborted) {
    try {
      const r = await deps.client.enroll({ code: deps.code, name: deps.name });
      const enrollment = { kiosk_id: r.kiosk_id, token: r.token, job_public_key: r.job_public_key };
      saveEnrollment(deps.db, enrollment);
      deps.log.info({ kioskId: r.kiosk_id }, 'kiosk enrolled');
      return enrollment;
    } catch (e) {
      if (e instanceof CloudError && !e.transient) {
        deps.log.error({ code: e.code }, `enrolment refused: ${e.message}; ask the operator for a new ENROLLMENT_CODE`);
        return null;
      }
      await sleep(deps.timers ?? realTimers, Math.max(500, backoff.next()), deps.abort);
    }
  }
  return null;
}
