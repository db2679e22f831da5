import { claimDuePayments } from '../db/payments';
import { getTransaction } from '../db/transactions';
import type { Deps } from '../deps';
import { HttpError } from '../http-error';
import { submitPayment } from './submit-payment';

/**
 * Re-checks pending World App payments whose next_check_at is due (world-id.md: `pending` is checked
 * again with backoff — pendingRecheckDelays, 1 s doubling to 60 s, for 10 min; then a person decides,
 * see /v1/fleet/attention). Every instance runs it; each due check is claimed by one (claimDuePayments:
 * SKIP LOCKED), so N instances do not multiply portal calls (issue 18). A check that fails (portal down,
 * instance killed) is due again when its claim runs out, RECHECK_CLAIM_SEC later. The mini app's POST never
 * re-asks about a pending payment, so this is the only thing that does.
 */
export const RECHECK_CLAIM_SEC = 15;

export async function recheckDuePayments(deps: Deps, limit = 20): Promise<number> {
  const now = deps.clock.now();
  const due = await claimDuePayments(deps.db, { now, claimUntil: new Date(now.getTime() + RECHECK_CLAIM_SEC * 1000), limit });
  let checked = 0;
  for (const p of due) {
    const t = await getTransaction(deps.db, p.transaction_id);
    if (!t) continue;
    try {
      await submitPayment(deps, t, p.world_app_transaction_id);
      checked += 1;
    } catch (err) {
      // A portal outage is retried when the claim runs out; anything else is logged and left for a person.
      if (!(err instanceof HttpError && err.status === 503)) deps.log.warn({ err, transaction_id: t.id }, 'payment re-check failed');
      if (err instanceof HttpError && err.status === 503) break;
    }
  }
  return checked;
}

export interface PaymentRechecker {
  stop(): Promise<void>;
}

/** Runs recheckDuePayments every `intervalMs` (one run at a time) until stop(). */
export function startPaymentRechecker(deps: Deps, intervalMs = 1000): PaymentRechecker {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => recheckDuePayments(deps)).catch((err: unknown) => deps.log.warn({ err }, 'payment re-checker tick failed'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
