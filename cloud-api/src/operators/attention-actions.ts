import type { z } from 'zod';
import type { AttentionActionSchema } from '../../../contract/console-api';
import type { AttentionItem } from '../db/fleet';

type Action = z.infer<typeof AttentionActionSchema>;

/** What resolves each attention item (issue 17 "each with the action that resolves it"): the console page or route to use. */
export function attentionAction(item: Pick<AttentionItem, 'kind' | 'kiosk_id' | 'transaction_id'>): Action {
  const tx = item.transaction_id ? `/v1/fleet/transactions/${item.transaction_id}` : null;
  const kiosk = item.kiosk_id ? `/v1/fleet/kiosks/${item.kiosk_id}` : null;
  switch (item.kind) {
    case 'job_stuck':
      return { label: 'The kiosk has not reported this payout: check the kiosk is online, then read the transaction trail', method: 'GET', path: tx };
    case 'payout_incomplete':
    case 'credit_open':
      return { label: "Settle the customer's credit (refund with a reference, or waive with a reason) on the Credits page", method: 'GET', path: '/v1/fleet/credits' };
    case 'kiosk_silent':
      return { label: "Check the kiosk's power and network; take it out of service if it stays silent", method: 'POST', path: kiosk ? `${kiosk}/service` : null };
    case 'event_flagged':
      return { label: 'Read the flagged event on the kiosk page and reconcile by hand', method: 'GET', path: kiosk };
    case 'payment_unresolved':
      return { label: 'Check the payment in the Developer Portal, then refund the customer or settle the credit', method: 'GET', path: tx };
    case 'kiosk_daily_cap_reached':
    case 'fleet_daily_cap_reached':
      return { label: 'The daily cash cap is reached: cash-outs resume tomorrow, or raise KIOSK_DAILY_CAP_CENTS / FLEET_DAILY_CAP_CENTS', method: null, path: kiosk };
    default:
      return { label: 'Open the kiosk page', method: 'GET', path: kiosk };
  }
}
