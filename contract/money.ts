import { z } from 'zod';

/** Money rules (PRODUCT.md "Money rules"): integer cents, integer coins, never floats. */
export const QUARTER_CENTS = 25;

/** A non-negative whole number of cents, bounded so sums stay exact far below 2^53. */
export const CentsSchema = z.number().int().nonnegative().max(100_000_00);
export type Cents = z.infer<typeof CentsSchema>;

/** A non-negative whole number of coins. */
export const CoinsSchema = z.number().int().nonnegative().max(400_000);
export type Coins = z.infer<typeof CoinsSchema>;

/** The cash-out amount a customer may ask for: whole dollars, positive. */
export const AmountCentsSchema = z
  .number()
  .int()
  .positive()
  .max(100_000_00)
  .refine((c) => c % 100 === 0, { message: 'amount must be whole dollars' });

/** Fee policy: a flat part plus basis points of the amount, rounded up to the cent. */
export const FeePolicySchema = z.object({
  flat_cents: CentsSchema,
  bps: z.number().int().min(0).max(10_000),
});
export type FeePolicy = z.infer<typeof FeePolicySchema>;

export interface Quote {
  amount_cents: number;
  fee_cents: number;
  total_cents: number;
  coins: number;
}

/** Coins for an amount in cents; throws when the amount is not a whole number of quarters. */
export function coinsForCents(cents: number): number {
  if (!Number.isSafeInteger(cents) || cents < 0 || cents % QUARTER_CENTS !== 0) {
    throw new RangeError(`amount ${cents} is not a whole number of quarters`);
  }
  return cents / QUARTER_CENTS;
}

/** The customer pays total = amount + fee and receives amount as quarters. Integer math only. */
export function quote(amountCents: number, fee: FeePolicy): Quote {
  const coins = coinsForCents(amountCents);
  const bpsPart = Math.ceil((amountCents * fee.bps) / 10_000);
  const feeCents = fee.flat_cents + bpsPart;
  return { amount_cents: amountCents, fee_cents: feeCents, total_cents: amountCents + feeCents, coins };
}

/** "$5.00" from 500. For display only. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  return `${sign}$${dollars}.${rest}`;
}
