import { err, ok, type Result } from '../../contract/result';
import { getMaintenance, setMaintenance } from '../db/admin-state';
import { saveEnrollment } from '../db/kiosk-state';
import { CloudError } from '../sync/cloud-error';
import { recordAdminAction } from './admin-audit';
import type { AdminContext } from './admin-deps';

/** Sync, enrolment, PIN, restart and maintenance commands of the admin screen (issue 6). */

/** Pushes the outbox now (skipping any backoff wait) and answers the depth after the push. */
export async function syncNow(c: AdminContext): Promise<Result<{ outbox_depth: number }>> {
  recordAdminAction(c.db, c.clock, 'sync_now', {});
  const status = await c.pusher.syncNow();
  return ok({ outbox_depth: status.outbox_depth });
}

/** Enrols with a code from the operator, only while the kiosk is not enrolled. */
export async function enroll(c: AdminContext, code: string, name: string | undefined): Promise<Result<{ kiosk_id: string }>> {
  if (c.enrollment()) return err('already_enrolled', 'this kiosk is already enrolled');
  try {
    const r = await c.client.enroll({ code, name: name ?? c.config.kioskName });
    const enrollment = { kiosk_id: r.kiosk_id, token: r.token, job_public_key: r.job_public_key };
    recordAdminAction(c.db, c.clock, 'enrolled', { kiosk_id: r.kiosk_id }, () => saveEnrollment(c.db, enrollment));
    c.onEnrolled(enrollment);
    return ok({ kiosk_id: r.kiosk_id });
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    if (e.transient) return err('offline', 'the cloud did not answer: check the network and try again');
    return err('enrol_refused', `the cloud refused the code (${e.code}): ask the operator for a new enrolment code`);
  }
}

export async function changePin(c: AdminContext, newPin: string): Promise<Result<Record<string, never>>> {
  await c.auth.changePin(newPin);
  return ok({});
}

/**
 * Restart (issue 6 "restart the app"): answers at once, waits for any payout to finish, then asks
 * the host to exit with ADMIN_RESTART_EXIT_CODE; the supervisor (systemd Restart=always, or the
 * demo's script) starts it again.
 */
export function restart(c: AdminContext): Result<Record<string, never>> {
  recordAdminAction(c.db, c.clock, 'restart', { payout_running: c.runner.busy });
  c.log.warn('restart requested from the admin screen; restarting once no payout is running');
  void Promise.all([c.runner.idle(), c.dispenser.idle()]).then(() => c.requestRestart());
  return ok({});
}

/** Maintenance on/off: KioskState.out_of_service 'maintenance' while on; survives a restart. */
export function setMaintenanceMode(c: AdminContext, on: boolean): Result<Record<string, never>> {
  if (getMaintenance(c.db) !== on) recordAdminAction(c.db, c.clock, on ? 'maintenance_on' : 'maintenance_off', {}, () => setMaintenance(c.db, on));
  c.onChange();
  return ok({});
}

/** Exit code of an admin restart (EX_TEMPFAIL): a supervisor that sees it starts the app again. */
export const ADMIN_RESTART_EXIT_CODE = 75;
