import * as z from 'zod/mini';

/**
 * Bodies of the World App payment routes (world-id.md "Payment in World App", PRODUCT.md step 5).
 * `GET /v1/transactions/:id/payment-request` → PaymentRequestView: what the mini app passes to MiniKit.pay.
 * `POST /v1/transactions/:id/payment` with `{transaction_id}` (http.ts PaymentRequestSchema, the World App
 * transaction id) → PaymentSubmitResponse; refusals use the ErrorBody codes `payment_invalid`,
 * `payment_failed`, `dependency_down`. The POST is idempotent per World App transaction id, so the mini app
 * may repeat it while the payment is pending.
 * Written with zod/mini: the mini app page bundles these schemas, and classic zod would add ~450 KB.
 */
export const PaymentTokenSchema = z.enum(['USDC', 'WLD']);
export type PaymentTokenName = z.infer<typeof PaymentTokenSchema>;

export const PaymentRequestViewSchema = z.object({
  /** ≤ 36 characters (MiniKit.pay rule). */
  reference: z.string().check(z.minLength(1), z.maxLength(36)),
  /** Receiving address, whitelisted in the Developer Portal. */
  to: z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/)),
  token: PaymentTokenSchema,
  /** Base units as a decimal string (USDC 6 decimals, WLD 18). */
  token_amount: z.string().check(z.regex(/^[0-9]{1,78}$/)),
  description: z.string().check(z.minLength(1), z.maxLength(200)),
});
export type PaymentRequestView = z.infer<typeof PaymentRequestViewSchema>;

export const PaymentStatusSchema = z.enum(['confirmed', 'pending', 'failed']);
export const PaymentSubmitResponseSchema = z.object({ payment_status: PaymentStatusSchema });
export type PaymentSubmitResponse = z.infer<typeof PaymentSubmitResponseSchema>;

/** `{error:{code,message}}` as in http.ts ErrorBodySchema, in zod/mini for the page bundle. */
export const PaymentErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
