import { receiptCode } from '../../contract/error-kinds';
import type { FlowState } from '../../contract/kiosk-api';
import type { ErrorInfo } from '../../contract/result';

/**
 * What the customer reads on an error screen: one plain sentence for what happened and one for
 * what to do next (PRODUCT.md "Who uses it": clear messages). Keyed by the cloud's error codes
 * (contract/http.ts ErrorCodes), World App codes (world-id.md) and the kiosk's own.
 */
interface Message {
  message: string;
  next_step: string;
}

const MESSAGES: Record<string, Message> = {
  offline: { message: 'The kiosk is offline right now.', next_step: 'Please try again in a few minutes. No money was taken.' },
  not_enrolled: { message: 'This kiosk is not set up yet.', next_step: 'Please ask staff for help.' },
  hopper: { message: 'The coin dispenser needs attention.', next_step: 'Please try again later or ask staff for help.' },
  empty: { message: 'The kiosk does not have enough coins for that amount.', next_step: 'Please pick a smaller amount.' },
  busy: { message: 'The kiosk is busy with another cash-out.', next_step: 'Please wait a moment and try again.' },
  maintenance: { message: 'The kiosk is closed for maintenance.', next_step: 'Please come back soon. No money was taken.' },
  admin_open: { message: 'A technician is working on this kiosk.', next_step: 'Please come back in a few minutes. No money was taken.' },
  payment_timeout: { message: 'The payment did not arrive in time.', next_step: 'No coins come out for this cash-out now. If your payment still goes through, the full amount is owed to you: collect it at any RoluATM by scanning with World App ("Collect coins you are owed"). Otherwise nothing was charged.' },
  // Issue 15: the payment was submitted but not confirmed within PAYMENT_CONFIRM_TIMEOUT_SEC; once confirmed it is a credit.
  payment_confirm_timeout: {
    message: 'Your payment was not confirmed in time.',
    next_step: 'No coins come out for it here. Once World App confirms it, the full amount is owed to you: collect it at any RoluATM by scanning with World App ("Collect coins you are owed").',
  },
  // Issue 15, collect: the claim's job did not arrive while the customer waited; nothing was paid, the coins stay owed.
  collect_timeout: { message: 'Your coins did not come out in time.', next_step: 'Nothing was paid here and the coins stay owed to you: collect them at any RoluATM by scanning with World App ("Collect coins you are owed").' },
  nothing_owed: { message: 'No coins are owed to this World ID.', next_step: 'Nothing was paid and nothing was charged.' },
  payment_failed: { message: 'The payment in World App did not go through.', next_step: 'Please start again. No coins were paid and nothing was charged.' },
  payment_invalid: { message: 'The payment did not match this cash-out.', next_step: 'Please ask staff for help. Nothing will be paid out for it.' },
  amount_out_of_range: { message: 'That amount is outside what this kiosk pays.', next_step: 'Please pick an amount within the limits shown.' },
  // The cloud's per-person limit (PER_HUMAN_DAILY_COUNT cash-outs, PER_HUMAN_DAILY_CENTS per operator day, PER_HUMAN_DAY_TIME_ZONE).
  limit_reached: { message: 'This World ID has reached its daily cash-out limit.', next_step: 'Each person may cash out a few times and up to an amount per day. Please try a smaller amount or come back tomorrow. No money was taken.' },
  // The cloud's daily cash caps (KIOSK_DAILY_CAP_CENTS, FLEET_DAILY_CAP_CENTS), refused at registration.
  kiosk_daily_cap_reached: { message: 'This kiosk has paid out all the cash it may today.', next_step: 'Please try a smaller amount, another kiosk, or come back tomorrow. No money was taken.' },
  fleet_daily_cap_reached: { message: 'The kiosks have paid out all the cash they may today.', next_step: 'Please try a smaller amount or come back tomorrow. No money was taken.' },
  proof_invalid: { message: 'World ID could not confirm this verification.', next_step: 'Please start again and scan the new code with World App.' },
  signal_mismatch: { message: 'That verification belongs to another cash-out.', next_step: 'Please start again and scan the new code.' },
  action_mismatch: { message: 'That verification was for another app.', next_step: 'Please start again and scan the new code.' },
  credential_not_accepted: {
    message: 'This kiosk pays out only to an Orb-verified World ID.',
    next_step: 'Verify your World ID at an Orb (World App shows where to find one), then start again. No money was taken.',
  },
  environment_not_accepted: { message: 'This kiosk is set up for a test World ID app.', next_step: 'Please ask staff for help. No money was taken.' },
  nonce_invalid: { message: 'That verification was already used or is too old.', next_step: 'Please start again and scan the new code.' },
  nullifier_used: { message: 'This World ID was already used for this cash-out.', next_step: 'Please start a new cash-out.' },
  transaction_expired: { message: 'This cash-out took too long and expired.', next_step: 'Please start again. No money was taken.' },
  transaction_state: { message: 'This cash-out cannot continue.', next_step: 'Please start again.' },
  timeout: { message: 'The code was not scanned in time.', next_step: 'Please start again when you are ready.' },
  user_rejected: { message: 'The verification was declined in World App.', next_step: 'Please start again if you want to cash out.' },
  verification_rejected: { message: 'The verification was declined in World App.', next_step: 'Please start again if you want to cash out.' },
  max_verifications_reached: { message: 'You have reached your cash-out limit for now.', next_step: 'Please come back later.' },
  connection_failed: { message: 'The kiosk cannot reach World ID right now.', next_step: 'Please try again in a few minutes. No money was taken.' },
  request_failed: { message: 'The kiosk could not start the World ID check.', next_step: 'Please try again or ask staff for help.' },
  // Issue 15: the screen's owed note says how many coins and where to collect them (coins_owed is set).
  partial_payout: { message: 'The kiosk could not pay all your coins.', next_step: 'The coins still owed to you are recorded under your World ID.' },
  payout_failed: { message: 'The kiosk could not pay your coins.', next_step: 'Your coins are recorded as owed to you under your World ID.' },
  payout_waiting: { message: 'The coin dispenser needs a technician before it can pay you.', next_step: 'Your payment is recorded. Please wait here: staff has been called. If you leave, the coins are owed to you: collect them at any RoluATM by scanning with World App ("Collect coins you are owed").' },
  payout_in_doubt: { message: 'The kiosk lost contact with the coin dispenser during your payout.', next_step: 'What was paid is being checked from the dispenser. Any coins not paid are owed to you: collect them at any RoluATM by scanning with World App ("Collect coins you are owed").' },
};

/** Every code with its own sentences (the screen's Spanish table covers the same codes). */
export const MESSAGE_CODES: readonly string[] = Object.keys(MESSAGES);

const FALLBACK: Message = { message: 'Something went wrong.', next_step: 'Please start again or ask staff for help.' };

export function messageFor(code: string): Message {
  return MESSAGES[code] ?? FALLBACK;
}

/** The error screen's content for a code. */
export function errorScreen(code: string, detail?: string): { error: ErrorInfo; next_step: string } {
  const m = messageFor(code);
  return { error: { code, message: detail && !MESSAGES[code] ? `${m.message} (${detail})` : m.message }, next_step: m.next_step };
}

/**
 * The whole error FlowState for a code: its sentences, the transaction's receipt code, and (issue 15)
 * the coins still owed to the customer and the coins paid so far, when known.
 */
export function errorFlow(
  code: string,
  o: { transactionId: string | null; coinsOwed?: number | null; coinsPaid?: number | null; detail?: string },
): Extract<FlowState, { screen: 'error' }> {
  return {
    screen: 'error',
    ...errorScreen(code, o.detail),
    transaction_id: o.transactionId,
    receipt_code: o.transactionId === null ? null : receiptCode(o.transactionId),
    coins_owed: o.coinsOwed ?? null,
    coins_paid: o.coinsPaid ?? null,
  };
}
