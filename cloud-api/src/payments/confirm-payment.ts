import { backoffCeilingMs } from '../../../contract/backoff';
import { PORTAL_SYMBOLS, PortalTransactionSchema, type PaymentToken, type PortalTransaction } from './portal-transaction';

/**
 * Pure payment rules (PRODUCT.md step 5, world-id.md "Payment in World App"): a payment counts only
 * when reference, recipient, token and amount all equal ours AND the portal says `mined`.
 * Mismatches are refused whatever the status (it is not our payment and never will be);
 * otherwise `pending` means ask again later and `failed` means the customer was not charged.
 */
export interface ExpectedPayment {
  reference: string;
  /** 0x + 40 hex; compared case-insensitively (EIP-55 checksums differ only in case). */
  recipient: string;
  token: PaymentToken;
  /** Base units (USDC 6 decimals, WLD 18). */
  tokenAmount: bigint;
}

export type PaymentVerdict =
  | { verdict: 'confirmed' }
  | { verdict: 'pending' }
  | { verdict: 'failed'; code: 'payment_failed' }
  | { verdict: 'refused'; code: 'payment_invalid'; message: string };

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

const refused = (message: string): PaymentVerdict => ({ verdict: 'refused', code: 'payment_invalid', message });

/** Why the transaction is not the payment we asked for, or null when every field matches. */
function mismatch(tx: PortalTransaction, expected: ExpectedPayment): string | null {
  if (!ADDRESS.test(expected.recipient)) return 'our own recipient address is not a 0x address; fix the payment config';
  if (tx.reference !== expected.reference) return 'payment reference does not belong to this transaction';
  if (!ADDRESS.test(tx.to) || tx.to.toLowerCase() !== expected.recipient.toLowerCase()) return 'payment went to another address';
  if (!PORTAL_SYMBOLS[expected.token].includes(tx.token.toUpperCase())) return `payment was made in ${tx.token.slice(0, 32)}, not ${expected.token}`;
  if (BigInt(tx.token_amount) !== expected.tokenAmount) return 'payment amount differs from the amount asked';
  return null;
}

export function judgePayment(tx: PortalTransaction, expected: ExpectedPayment): PaymentVerdict {
  // Re-checked here: the type is erased at run time and this is the last gate before money moves.
  const parsed = PortalTransactionSchema.safeParse(tx);
  if (!parsed.success) return refused('the portal transaction is missing fields or has malformed ones');
  const why = mismatch(parsed.data, expected);
  if (why) return refused(`${why}; the customer must pay again from the kiosk's link`);
  switch (parsed.data.transaction_status) {
    case 'mined':
      return { verdict: 'confirmed' };
    case 'pending':
      return { verdict: 'pending' };
    case 'failed':
      return { verdict: 'failed', code: 'payment_failed' };
  }
}

export class PaymentAmountError extends RangeError {
  readonly code = 'amount_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'PaymentAmountError';
  }
}

export interface TokenPricing {
  /** WLD per 1 USD, in millionths of a WLD (e.g. WLD at $2 → 0.5 WLD/USD → 500000). Required for WLD. */
  wldPerUsdMicro?: bigint | number;
}

/**
 * Integer-exact conversion of cents to token base units; no floats.
 * USDC: 1 USD = 10^6 base units, so 1 cent = 10^4. WLD: 1 micro-WLD = 10^12 base units, so
 * cents × wldPerUsdMicro × 10^12 / 100 = cents × wldPerUsdMicro × 10^10 (always whole).
 */
export function centsToTokenBaseUnits(cents: number, token: PaymentToken, pricing: TokenPricing = {}): bigint {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new PaymentAmountError(`amount ${cents} is not a whole, non-negative number of cents`);
  if (token === 'USDC') return BigInt(cents) * 10_000n;
  const price = pricing.wldPerUsdMicro;
  if (price === undefined) throw new PaymentAmountError('WLD payments need a WLD price (wldPerUsdMicro); configure one or take USDC');
  if (typeof price === 'number' && (!Number.isSafeInteger(price) || price <= 0)) {
    throw new PaymentAmountError('wldPerUsdMicro must be a positive whole number');
  }
  const micro = BigInt(price);
  if (micro <= 0n) throw new PaymentAmountError('wldPerUsdMicro must be a positive whole number');
  return BigInt(cents) * micro * 10_000_000_000n;
}

export interface RecheckPolicy {
  firstMs?: number;
  capMs?: number;
  totalMs?: number;
}

/**
 * Delays (ms) between re-checks of a pending payment: 1, 2, 4, 8 … s doubling (contract/backoff.ts), each capped at `capMs`
 * (default 60 s), stopping before the sum would pass `totalMs` (default 10 min). After the last one
 * a still-pending payment is handed to the operator (refund path), never assumed paid.
 */
export function pendingRecheckDelays(policy: RecheckPolicy = {}): number[] {
  const first = policy.firstMs ?? 1000;
  const cap = policy.capMs ?? 60_000;
  const total = policy.totalMs ?? 600_000;
  if (!(first > 0) || !(cap >= first) || !(total >= 0)) throw new RangeError('recheck policy needs firstMs > 0, capMs ≥ firstMs, totalMs ≥ 0');
  const delays: number[] = [];
  let sum = 0;
  for (let attempt = 0, next = first; sum + next <= total; next = backoffCeilingMs(++attempt, { baseMs: first, capMs: cap })) {
    delays.push(next);
    sum += next;
  }
  return delays;
}
