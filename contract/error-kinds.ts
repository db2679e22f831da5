import { z } from 'zod';

/**
 * What kind of trouble an error code is, for the customer (issue 16 "Errors by kind"). The screen
 * words each kind (a neutral headline and the next step, in every language); the code itself goes to
 * the log and the admin screen, never to the customer. Codes: the cloud's (contract/http.ts
 * ErrorCodes), World App's (world-id.md) and the kiosk's own (main/kiosk/error-messages.ts).
 */
export const ErrorKindSchema = z.enum([
  'cancelled',
  'timeout',
  'payment_timeout',
  'confirm_timeout',
  'collect_timeout',
  'nothing_owed',
  'daily_limit',
  'kiosk_limit',
  'not_orb',
  'offline',
  'out_of_coins',
  'not_confirmed',
  'payment_failed',
  'in_doubt',
  'waiting_for_staff',
  'short_payout',
  'unavailable',
]);
export type ErrorKind = z.infer<typeof ErrorKindSchema>;

const KIND_OF_CODE: Readonly<Record<string, ErrorKind>> = {
  user_rejected: 'cancelled',
  verification_rejected: 'cancelled',
  cancelled: 'cancelled',
  timeout: 'timeout',
  transaction_expired: 'timeout',
  payment_timeout: 'payment_timeout',
  payment_confirm_timeout: 'confirm_timeout',
  collect_timeout: 'collect_timeout',
  nothing_owed: 'nothing_owed',
  limit_reached: 'daily_limit',
  max_verifications_reached: 'daily_limit',
  kiosk_daily_cap_reached: 'kiosk_limit',
  fleet_daily_cap_reached: 'kiosk_limit',
  credential_not_accepted: 'not_orb',
  offline: 'offline',
  connection_failed: 'offline',
  dependency_down: 'offline',
  empty: 'out_of_coins',
  // A hopper fault is not an empty hopper: the machine cannot pay right now (a money case below wins).
  hopper: 'unavailable',
  proof_invalid: 'not_confirmed',
  signal_mismatch: 'not_confirmed',
  action_mismatch: 'not_confirmed',
  nonce_invalid: 'not_confirmed',
  nullifier_used: 'not_confirmed',
  payment_failed: 'payment_failed',
  payment_invalid: 'payment_failed',
  payout_in_doubt: 'in_doubt',
  payout_waiting: 'waiting_for_staff',
  partial_payout: 'short_payout',
  payout_failed: 'short_payout',
};

/** Codes of a machine fault: when the fault came after coins were paid or left coins owed, it is a money case. */
const FAULT_CODES: ReadonlySet<string> = new Set(['hopper']);

/**
 * The kind of an error code; a code not listed is `unavailable` ("cannot do this right now"). `money`
 * (the error screen's coins_paid / coins_owed): a fault that struck after coins moved, or that left coins
 * owed, is `short_payout` — the screen then says what is owed, never "nothing was charged".
 */
export function errorKindOf(code: string, money?: { coinsPaid?: number | null; coinsOwed?: number | null }): ErrorKind {
  if (FAULT_CODES.has(code) && ((money?.coinsPaid ?? 0) > 0 || (money?.coinsOwed ?? 0) > 0)) return 'short_payout';
  return Object.hasOwn(KIND_OF_CODE, code) ? (KIND_OF_CODE[code] as ErrorKind) : 'unavailable';
}

/** Kinds where money moved or may have: the screen shows coins owed, the receipt code and the support contact. */
export function isMoneyKind(kind: ErrorKind): boolean {
  return kind === 'in_doubt' || kind === 'waiting_for_staff' || kind === 'short_payout' || kind === 'payment_timeout' || kind === 'confirm_timeout' || kind === 'collect_timeout';
}

/**
 * The receipt code a customer can quote: the last 8 hex digits of the transaction id. A UUIDv7
 * begins with the timestamp (alike for every cash-out in the same minute); it ends in random bits.
 * The only reference a customer screen shows (never the full id).
 */
export function receiptCode(txId: string): string {
  return txId.replace(/-/g, '').slice(-8).toUpperCase();
}
