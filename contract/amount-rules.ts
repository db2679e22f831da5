import { z } from 'zod';
import { coinsForCents, FeePolicySchema, QUARTER_CENTS, quote, type Quote } from './money';
import { DayTimeZoneSchema } from './operator-day';

/**
 * The amount rules (PRODUCT.md "Money rules", "The customer flow" 1), in one place: the amount
 * screen, the kiosk core and the cloud's POST /v1/transactions all call checkAmount. Pure; integer
 * cents and coins only.
 */

/** The cloud's PAYMENT_MODE: `none` = operator-funded, nobody pays; `world_app` = the customer pays in World App. */
export const PaymentModeSchema = z.enum(['none', 'world_app']);
export type PaymentMode = z.infer<typeof PaymentModeSchema>;

/** The operator's support contact for customers (cloud SUPPORT_CONTACT; issue 16): one short line. */
export const SupportContactSchema = z.string().min(1).max(120);

/**
 * The limits and fee the cloud charges, from its configuration (MIN_AMOUNT_CENTS, MAX_AMOUNT_CENTS,
 * FEE_FLAT_CENTS, FEE_BPS), who pays (PAYMENT_MODE), whom to call (SUPPORT_CONTACT) and the zone of the day the
 * daily limits count in (PER_HUMAN_DAY_TIME_ZONE, contract/operator-day.ts; the error screen's "resets at") — these
 * three optional: absent in the kiosk's own fallback and from an older cloud (an older kiosk drops the unknown key).
 * Delivered to the kiosk at enrolment and with every sync answer.
 */
const WholeDollarsSchema = z.number().int().positive().multipleOf(100, 'must be whole dollars (a multiple of 100 cents)');
export const AmountPolicySchema = z
  .object({ min_cents: WholeDollarsSchema, max_cents: WholeDollarsSchema, fee: FeePolicySchema, payment_mode: PaymentModeSchema.optional(), support_contact: SupportContactSchema.optional(), day_time_zone: DayTimeZoneSchema.optional() })
  .refine((p) => p.min_cents <= p.max_cents, { message: 'must not exceed the maximum', path: ['min_cents'] });
export type AmountPolicy = z.infer<typeof AmountPolicySchema>;

/**
 * What is wrong with a configured policy, each problem named by the caller's variable for the field
 * (e.g. min_cents → MIN_AMOUNT_CENTS); empty when it is valid. For the config checks of cloud and kiosk.
 */
export function amountPolicyProblems(policy: AmountPolicy, names: { min_cents: string; max_cents: string; fee: string }): string[] {
  const parsed = AmountPolicySchema.safeParse(policy);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${names[String(i.path[0]) as keyof typeof names] ?? String(i.path[0])}: ${i.message}`);
}

export type AmountRefusal =
  | { kind: 'not_whole_dollars' }
  | { kind: 'below_min'; min_cents: number }
  | { kind: 'above_max'; max_cents: number }
  | { kind: 'not_enough_coins'; free_coins: number; quote: Quote };

export type AmountCheck = { kind: 'none' } | { kind: 'ok'; quote: Quote } | AmountRefusal;

/**
 * Whether `cents` may be cashed out: whole dollars, within the policy's limits, and — when the
 * caller knows the hopper (`freeCoins`, see freeCoins below) — no more quarters than are free.
 * The cloud does not know the hopper and passes no coins. Null or 0 is "nothing entered yet".
 */
export function checkAmount(cents: number | null, policy: AmountPolicy, freeCoins?: number): AmountCheck {
  if (cents === null || cents === 0) return { kind: 'none' };
  if (!Number.isSafeInteger(cents) || cents < 0 || cents % 100 !== 0) return { kind: 'not_whole_dollars' };
  if (cents < policy.min_cents) return { kind: 'below_min', min_cents: policy.min_cents };
  if (cents > policy.max_cents) return { kind: 'above_max', max_cents: policy.max_cents };
  const q = quote(cents, policy.fee);
  if (freeCoins !== undefined && q.coins > freeCoins) return { kind: 'not_enough_coins', free_coins: freeCoins, quote: q };
  return { kind: 'ok', quote: q };
}

/**
 * Coins a new cash-out may use: the inventory minus the coins promised to open transactions and
 * unfinished jobs (never below zero). The kiosk sends this to the screen as KioskState.free_coins.
 */
export function freeCoins(inventoryCoins: number, reservedCoins: number): number {
  return Math.max(0, inventoryCoins - reservedCoins);
}

/** The kiosk can serve a customer at all only when the smallest amount fits in the free coins. */
export function canPaySmallest(policy: AmountPolicy, free: number): boolean {
  return coinsForCents(policy.min_cents) <= free;
}

/**
 * The largest amount the kiosk can pay now (issue 16: the range follows the stock): the policy's
 * maximum, or less when the free coins cover less (whole dollars only, as checkAmount demands).
 * Below the policy's minimum the kiosk cannot serve anyone (canPaySmallest) and this is still returned.
 */
export function largestPayable(policy: AmountPolicy, free: number): number {
  const byStock = Math.floor((free * QUARTER_CENTS) / 100) * 100;
  return Math.min(policy.max_cents, byStock);
}
