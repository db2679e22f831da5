import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { jobKeyId, type JobPublicKey } from '../../contract/job';
import { getEnrollment, getJobKeys, saveJobKeys } from '../db/kiosk-state';
import type { KioskDb } from '../db/open-db';

/**
 * The job keys this kiosk accepts (docs/SECURITY.md "Job-key rotation"): the set the cloud announced
 * last — at enrolment, then with every sync answer, each replacing the one before, so a key the cloud
 * stops announcing (retired) is refused from then on — plus the keys the technician pinned
 * (JOB_PUBLIC_KEYS). Before the cloud ever announced a set (an enrolment by an older cloud), the one
 * key of the enrolment. Kept in kiosk_state, so a restart keeps it.
 */
export interface JobKeyRing {
  accepted(): JobPublicKey[];
  /** Stores the cloud's announced set; true when it changed. */
  announce(keys: readonly JobPublicKey[]): boolean;
}

export function createJobKeyRing(deps: { db: KioskDb; log: Logger; pinned: readonly JobPublicKey[] }): JobKeyRing {
  return {
    accepted() {
      const announced = getJobKeys(deps.db) ?? enrolmentJobKeys(getEnrollment(deps.db));
      const out = [...announced];
      for (const k of deps.pinned) if (!out.some((o) => o.kid === k.kid)) out.push(k);
      return out;
    },
    announce(keys) {
      if (isDeepStrictEqual(getJobKeys(deps.db), [...keys])) return false;
      saveJobKeys(deps.db, keys);
      deps.log.info({ kids: keys.map((k) => k.kid) }, 'the cloud announced its job keys; jobs signed by others are refused');
      return true;
    },
  };
}

/** The one job key an enrolment carries (what a kiosk accepted before key sets). */
export function enrolmentJobKeys(enrolment: { job_public_key: string } | null): JobPublicKey[] {
  if (!enrolment) return [];
  const kid = jobKeyId(enrolment.job_public_key);
  return kid === null ? [] : [{ kid, public_key: enrolment.job_public_key }];
}
