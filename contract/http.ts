import { z } from 'zod';
import { AmountPolicySchema, PaymentModeSchema } from './amount-rules';
import { AmountCentsSchema, CentsSchema, CoinsSchema } from './money';
import { IsoTimeSchema, UuidSchema } from './ids';
import { JobPublicKeySchema, SignedJobSchema } from './job';
import { RemoteConfigSchema } from './remote-config';
import { SyncEventSchema } from './sync-events';
import { ClaimAnswerSchema } from './credits';
import { TransactionKindSchema, TransactionStatusSchema } from './transaction';

/** Cloud HTTP API bodies (ARCHITECTURE.md "Cloud HTTP API", contract). Requests are strict: unknown fields → 400. */

export const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Stable error codes the kiosk maps to screens. HTTP status in the comment. */
export const ErrorCodes = {
  malformed: 'malformed', // 400
  unauthorized: 'unauthorized', // 401
  forbidden: 'forbidden', // 403
  notFound: 'not_found', // 404
  conflict: 'conflict', // 409
  tooLarge: 'body_too_large', // 413
  rateLimited: 'rate_limited', // 429
  dependencyDown: 'dependency_down', // 503
  // 422 refusals by a rule:
  enrollmentCodeInvalid: 'enrollment_code_invalid',
  transactionExpired: 'transaction_expired',
  transactionState: 'transaction_state',
  proofInvalid: 'proof_invalid',
  signalMismatch: 'signal_mismatch',
  actionMismatch: 'action_mismatch',
  nonceInvalid: 'nonce_invalid',
  credentialNotAccepted: 'credential_not_accepted',
  environmentNotAccepted: 'environment_not_accepted',
  nullifierUsed: 'nullifier_used',
  limitReached: 'limit_reached',
  amountOutOfRange: 'amount_out_of_range',
  paymentInvalid: 'payment_invalid',
  /** A claim found no open credit for this person (the claim ends `refused`, no job). */
  nothingOwed: 'nothing_owed',
  /** 409: a fleet settle on a credit that is no longer open. */
  creditNotOpen: 'credit_not_open',
  kioskDailyCapReached: 'kiosk_daily_cap_reached',
  fleetDailyCapReached: 'fleet_daily_cap_reached',
} as const;

const JobPublicKeysSchema = z.array(JobPublicKeySchema).min(1).max(16);

export const EnrollmentCodeResponseSchema = z.object({ code: z.string(), expires_at: IsoTimeSchema });

export const EnrollRequestSchema = z.strictObject({
  code: z.string().min(6).max(64),
  name: z.string().min(1).max(100),
});
export const EnrollResponseSchema = z.object({
  kiosk_id: UuidSchema,
  token: z.string().min(32),
  /** Ed25519 public key, SPKI DER, base64: the current job key. */
  job_public_key: z.string().min(1),
  /** Every job key the kiosk accepts (current first, then retired ones still announced); absent from an older cloud. */
  job_public_keys: JobPublicKeysSchema.optional(),
  /** The cloud's limits and fee (optional: an older cloud sends none; the kiosk then keeps its fallback). */
  amount_policy: AmountPolicySchema.optional(),
});
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;

/**
 * A cash-out carries its amount; a claim (issue 15) carries none: its amount and coins are set when the
 * World ID proof finds the person's open credits (0 until then).
 */
/**
 * POST /v1/kiosks/token: the kiosk rotates its own token (docs/SECURITY.md "Kiosk token rotation"). It makes
 * the new token itself (32 random bytes, base64url) and stores it before it asks, so nothing is lost on a crash.
 */
export const RotateTokenRequestSchema = z.strictObject({ new_token: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/, '43 to 128 URL-safe characters') });
export const RotateTokenResponseSchema = z.object({
  /** Until when the token used before still works (KIOSK_TOKEN_GRACE_SEC after the rotation). */
  previous_token_valid_until: IsoTimeSchema.nullable(),
});
export type RotateTokenResponse = z.infer<typeof RotateTokenResponseSchema>;

export const CreateTransactionRequestSchema = z.union([
  z.strictObject({ id: UuidSchema, kind: z.literal('cash_out').optional(), amount_cents: AmountCentsSchema }),
  z.strictObject({ id: UuidSchema, kind: z.literal('claim') }),
]);
export type CreateTransactionRequest = z.infer<typeof CreateTransactionRequestSchema>;

export const TransactionViewSchema = z.object({
  id: UuidSchema,
  kiosk_id: UuidSchema,
  /** 'cash_out' when absent (a cloud from before issue 15). */
  kind: TransactionKindSchema.default('cash_out'),
  amount_cents: CentsSchema,
  fee_cents: CentsSchema,
  total_cents: CentsSchema,
  coins: CoinsSchema,
  status: TransactionStatusSchema,
  coins_paid: CoinsSchema.nullable(),
  created_at: IsoTimeSchema,
  expires_at: IsoTimeSchema,
});
export type TransactionView = z.infer<typeof TransactionViewSchema>;

/** World ID 4.0 RP context (world-id.md "Request signing"). */
export const RpContextSchema = z.object({
  rp_id: z.string(),
  nonce: z.string(),
  created_at: z.number().int(),
  expires_at: z.number().int(),
  signature: z.string(),
});
export type RpContext = z.infer<typeof RpContextSchema>;

export const CreateTransactionResponseSchema = z.object({
  transaction: TransactionViewSchema,
  rp_context: RpContextSchema,
  /** What the kiosk passes to IDKit.request: app id and action come from the cloud too. */
  world_id: z.object({ app_id: z.string(), action: z.string() }),
  payment_reference: z.string().max(36),
  return_to: z.string(),
  /** The cloud's PAYMENT_MODE: with `none` nobody pays, and the kiosk never says so. */
  payment_mode: PaymentModeSchema,
});
export type CreateTransactionResponse = z.infer<typeof CreateTransactionResponseSchema>;

/** The IDKit result is forwarded unchanged; its shape is checked by the cloud's verifier. */
export const WorldIdRequestSchema = z.strictObject({ result: z.record(z.string(), z.unknown()) });
/** For a claim transaction the answer also says what it pays out (contract/credits.ts ClaimAnswerSchema). */
export const WorldIdResponseSchema = z.object({ transaction: TransactionViewSchema, claim: ClaimAnswerSchema.optional() });
export type WorldIdResponse = z.infer<typeof WorldIdResponseSchema>;

/**
 * GET /v1/transactions/{id}/status (kiosk auth, own transactions only; issue 15): the kiosk polls it while
 * it waits for payment. `payment` pending = submitted and still being confirmed (the screen shows
 * "confirming your payment" with its longer limit); `session_ended` = the cloud recorded the kiosk's
 * cancel / timeout / restart report and will create no job for this transaction.
 */
export const TransactionPaymentStateSchema = z.enum(['none', 'pending', 'confirmed', 'failed']);
export type TransactionPaymentState = z.infer<typeof TransactionPaymentStateSchema>;
export const TransactionStatusResponseSchema = z.object({
  status: TransactionStatusSchema,
  payment: TransactionPaymentStateSchema,
  session_ended: z.boolean(),
});
export type TransactionStatusResponse = z.infer<typeof TransactionStatusResponseSchema>;

/**
 * The World App transaction id the mini app reports. It goes into the portal's URL path, so only
 * letters, digits, `_` and `-` (issue 14: `..` used to reach another portal path).
 */
export const PaymentRequestSchema = z.strictObject({ transaction_id: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'letters, digits, _ and - only') });

export const JobResponseSchema = z.object({ job: SignedJobSchema });
export const JobAckResponseSchema = z.object({ job_id: UuidSchema, status: z.string() });

export const SyncRequestSchema = z.strictObject({ events: z.array(SyncEventSchema).min(1).max(1000) });
export const SyncResponseSchema = z.object({
  /** Issue 17: the operator's desired state of this kiosk (absent when none was ever set); applied when idle. */
  remote_config: RemoteConfigSchema.optional(),
  /** Highest seq such that every seq 1..high_seq of this kiosk is stored. */
  high_seq: z.number().int().nonnegative(),
  /** The cloud's current limits and fee, so a change of its configuration reaches the kiosk with the next sync. */
  amount_policy: AmountPolicySchema.optional(),
  /** The job keys the kiosk accepts from now on (they replace the set it holds): how a job-key rotation reaches it. */
  job_public_keys: JobPublicKeysSchema.optional(),
});
export type SyncResponse = z.infer<typeof SyncResponseSchema>;
