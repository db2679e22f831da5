import { newId } from '../../contract/clock';
import { err, ok, type Result } from '../../contract/result';
import { DispenserError } from '../hardware/dispenser';
import { TECHNICIAN_JOB_PREFIX } from '../hardware/payout-journal';
import { resumeUnfinishedJobs } from '../kiosk/startup-recovery';
import { recordAdminAction } from './admin-audit';
import type { AdminContext } from './admin-deps';

/**
 * Hopper commands of the admin screen (issue 6, PRODUCT.md "technician"). Each refuses while a
 * customer payout or another hopper command runs, and is an audit event + admin.action outbox row.
 */
export const TECH_JOB_PREFIX = TECHNICIAN_JOB_PREFIX;

export function hopperBusy(c: AdminContext): Result<never> | null {
  if (c.runner.busy || c.dispenser.busy) return err('payout_running', 'a payout is running: try again when it has finished');
  if (c.customerActive()) return err('customer_active', 'a customer is using the kiosk: wait until the screen is back to the start');
  return null;
}

export function refill(c: AdminContext, coins: number): Result<{ coins: number }> {
  const previous = c.journal.getInventory();
  recordAdminAction(c.db, c.clock, coins === 0 ? 'empty' : 'refill', { coins, previous }, () => c.journal.setInventory(coins));
  c.onChange();
  return ok({ coins });
}

/** One coin through the full journal path, under a technician job id (never a customer job). */
export async function testDispense(c: AdminContext): Promise<Result<{ coins_paid: number; outcome: string }>> {
  const busy = hopperBusy(c);
  if (busy) return busy;
  if (c.journal.openIntents().length > 0) return err('in_doubt', 'a payout is in doubt: settle it before a test dispense');
  const jobId = `${TECH_JOB_PREFIX}${newId()}`;
  try {
    const r = await c.dispenser.payout({ jobId, coins: 1 });
    recordAdminAction(c.db, c.clock, 'test_dispense', { job_id: jobId, intent_id: r.intentId, coins_paid: r.coinsPaid, outcome: r.outcome, fault: r.fault });
    return ok({ coins_paid: r.coinsPaid, outcome: r.fault ? `${r.outcome} (${r.fault})` : r.outcome });
  } catch (e) {
    const code = e instanceof DispenserError ? e.code : 'unknown';
    recordAdminAction(c.db, c.clock, 'test_dispense', { job_id: jobId, outcome: 'error', error: code });
    c.log.error({ err: e, jobId }, 'technician test dispense failed');
    const inDoubt = c.journal.openIntents().some((i) => i.jobId === jobId);
    return inDoubt
      ? err('in_doubt', 'the hopper did not say whether it paid the test coin: settle the in-doubt payout')
      : err(`hopper_${code}`, `the hopper could not pay (${code}): check it, reset it, and try again`);
  } finally {
    c.onHopperChanged();
  }
}

/** Settles every in-doubt payout from the hopper's counters (never by paying) and shows the evidence. */
export async function settleInDoubt(c: AdminContext) {
  const busy = hopperBusy(c);
  if (busy) return busy;
  if (c.journal.openIntents().length === 0) return ok({ settled: [] });
  try {
    const settled = (await c.dispenser.settleInDoubt()).map((s) => ({
      intent_id: s.intentId, job_id: s.jobId, coins_requested: s.coinsRequested, coins_paid: s.coinsPaid, evidence: s.evidence,
    }));
    recordAdminAction(c.db, c.clock, 'settle_in_doubt', { settled });
    // As at start-up (startup-recovery.ts): a customer job left in doubt is finished by the runner,
    // which pays only what the journal proves unpaid.
    resumeUnfinishedJobs(c.db, c.runner);
    return ok({ settled });
  } catch (e) {
    const code = e instanceof DispenserError ? e.code : 'unknown';
    c.log.error({ err: e }, 'technician settle failed');
    return err(`hopper_${code}`, `the hopper's counters could not be read (${code}): check the cable and power, then try again`);
  } finally {
    c.onHopperChanged();
  }
}

/** Resets the hopper (clears a jam or power-up flag) and reads its faults again. */
export async function resetHopper(c: AdminContext): Promise<Result<{ faults: string[] }>> {
  const busy = hopperBusy(c);
  if (busy) return busy;
  if (!c.dispenser.reset) return err('not_supported', 'this dispenser cannot be reset from the kiosk: power-cycle it');
  try {
    await c.dispenser.reset();
  } catch (e) {
    const code = e instanceof DispenserError ? e.code : 'unknown';
    recordAdminAction(c.db, c.clock, 'reset_hopper', { outcome: 'error', error: code });
    if (code === 'in_doubt') return err('in_doubt', 'settle the in-doubt payout first: a reset would erase the counters it is settled from');
    return err(`hopper_${code}`, `the hopper did not reset (${code}): check the cable and power`);
  } finally {
    c.onHopperChanged();
  }
  const health = await c.dispenser.health().catch(() => ({ faults: ['no_reply'] }));
  const faults = health.faults.map(String);
  recordAdminAction(c.db, c.clock, 'reset_hopper', { outcome: 'ok', faults });
  return ok({ faults });
}
