import { err, ok, type Result } from '../../contract/result';
import { PayoutJournalError } from '../hardware/payout-journal';
import { resumeUnfinishedJobs } from '../kiosk/startup-recovery';
import { recordAdminAction } from './admin-audit';
import type { AdminContext } from './admin-deps';
import { hopperBusy } from './admin-hopper';

/**
 * Settle by hand (issue 13, "A hopper swapped while an intent is open"). An intent journaled against
 * another hopper cannot be settled from counters: that hopper and its EEPROM are gone. The driver
 * leaves it open and reports fault 'swapped', so the kiosk takes no customer. The technician counts
 * the coins the customer got, enters them with the PIN (checked like an unlock: tries counted,
 * lockout), and the intent is settled `settled_by: technician` with an `admin.settle_by_hand` audit
 * event in the same transaction. Only for a swapped intent: any other is settled from its counters.
 * The job then ends through the runner like after any settle (only its proven remainder is paid).
 */
export async function settleByHand(
  c: AdminContext,
  p: { intent_id: string; coins_paid: number; pin: string },
): Promise<Result<{ intent_id: string; coins_paid: number }>> {
  const busy = hopperBusy(c);
  if (busy) return busy;
  const intent = c.journal.openIntents().find((i) => i.id === p.intent_id);
  if (!intent) return err('not_found', 'no open payout with that id: it may be settled already; refresh the screen');
  const health = await c.dispenser.health().catch(() => null);
  const serialNow = health?.identity?.serial ?? null;
  if (serialNow === null) return err('hopper_unknown', 'the connected hopper could not be identified: connect it, then try again');
  if (serialNow === intent.hopperSerial) {
    return err('not_swapped', `this payout belongs to the connected hopper (#${serialNow}): settle it from its counters instead`);
  }
  if (p.coins_paid > intent.coins) return err('too_many_coins', `the payout asked for ${intent.coins} coins; enter at most that`);
  const pin = await c.auth.unlock(p.pin);
  if (!pin.ok) return pin;
  try {
    recordAdminAction(
      c.db, c.clock, 'settle_by_hand',
      { intent_id: intent.id, job_id: intent.jobId, coins_requested: intent.coins, coins_paid: p.coins_paid, settled_by: 'technician', hopper_serial: intent.hopperSerial, hopper_serial_now: serialNow },
      () => c.journal.recordOutcome(intent.id, { coinsPaid: p.coins_paid, eventCounterAfter: null, settledBy: 'technician' }),
    );
  } catch (e) {
    if (e instanceof PayoutJournalError) return err(e.code, e.message);
    throw e;
  } finally {
    c.onHopperChanged();
  }
  c.log.warn({ intentId: intent.id, jobId: intent.jobId, coinsPaid: p.coins_paid }, 'payout on a swapped hopper settled by hand');
  resumeUnfinishedJobs(c.db, c.runner);
  return ok({ intent_id: intent.id, coins_paid: p.coins_paid });
}
