import { z } from 'zod';
import { CentsSchema, CoinsSchema } from './money';
import { IsoTimeSchema, UuidSchema } from './ids';

/**
 * Credits (issue 15): what a customer is owed because coins did not leave the kiosk. One ledger in the
 * cloud (table `credits`, audit `credit_events`); collectable at any kiosk with a claim transaction
 * (TransactionKindSchema 'claim'), settled by an operator as refunded or waived.
 * open → collected (only from the kiosk's proven payout.result of a claim job) | refunded | waived.
 */
export const CreditReasonSchema = z.enum([
  'late_payment',
  'partial_payout',
  'failed_payout',
  'expired_job',
  'not_presented',
  'cancelled_after_payment',
]);
export type CreditReason = z.infer<typeof CreditReasonSchema>;

export const CreditStateSchema = z.enum(['open', 'collected', 'refunded', 'waived']);
export type CreditState = z.infer<typeof CreditStateSchema>;

export const CreditSchema = z.object({
  id: UuidSchema,
  /** The transaction whose shortfall this is (the source, never a claim). */
  transaction_id: UuidSchema,
  /** The kiosk of the source transaction. */
  kiosk_id: UuidSchema,
  reason: CreditReasonSchema,
  amount_cents: CentsSchema,
  coins: CoinsSchema,
  /** Coins proven paid out by claim jobs so far; state `collected` when it reaches `coins`. */
  coins_collected: CoinsSchema,
  state: CreditStateSchema,
  created_at: IsoTimeSchema,
  updated_at: IsoTimeSchema,
  /** Who settled it (operator actor) when refunded or waived. */
  settled_by: z.string().nullable(),
  settle_reference: z.string().nullable(),
  settle_reason: z.string().nullable(),
});
export type Credit = z.infer<typeof CreditSchema>;

/** GET /v1/fleet/credits?state=&cursor=&limit= (strict query). */
export const FleetCreditsQuerySchema = z.strictObject({
  state: CreditStateSchema.optional(),
  /** Opaque: the previous page's next_cursor. */
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const FleetCreditsResponseSchema = z.object({ items: z.array(CreditSchema), next_cursor: z.string().nullable() });

/** POST /v1/fleet/credits/{id}/settle → the credit; 409 `credit_not_open` when it is not open. */
export const SettleCreditRequestSchema = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('refunded'), reference: z.string().trim().min(1).max(200) }),
  z.strictObject({ state: z.literal('waived'), reason: z.string().trim().min(1).max(500) }),
]);
export type SettleCreditRequest = z.infer<typeof SettleCreditRequestSchema>;
export const SettleCreditResponseSchema = CreditSchema;

/**
 * Part of the World ID 200 answer for a claim transaction: the coins this claim pays out (capped by what
 * the kiosk holds) and what stays owed afterwards. Nothing owed → 422 `nothing_owed` instead.
 */
export const ClaimAnswerSchema = z.object({
  coins: CoinsSchema,
  amount_cents: CentsSchema,
  coins_left_owed: CoinsSchema,
});
export type ClaimAnswer = z.infer<typeof ClaimAnswerSchema>;
