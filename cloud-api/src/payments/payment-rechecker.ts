import { listDuePayments } from '../db/payments';
import { getTransaction } from '../db/transactions';
import type { Deps } from '../deps';
import { HttpError } from '../http-error';
import { submitPayment } from './submit-payment';

/**
 * Re-checks pending World App payments whose next_check_at is due (world-id.md: `pending` is checked
 * again with backoff — pendingRecheckDelays, 1 s doubling to 60 s, for 10 min; then a person decides,
 * see /v1/fleet/attention). Several instances may run it: the row lock and the pending-only update make
 * a double check harmless. The mini app's repeated POST re-checks too, so this only covers a closed page.
 */
export async function recheckDuePayments(deps: Deps, limit = 20): Promise<number> {
  const due = await listDuePayments(deps.db, deps.clock.now(), limit);
  let checked = 0;
  for (const p of due) {
    const t = await getTransaction(deps.db, p.transaction_id);
    if (!t) continue;
    try {
      await submitPayment(deps, t, p.world_app_transaction_id);
      checked += 1;
    } catch (err) {
      // A portal outage is retried on the next tick; anything else is logged and left for a person.
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
