import { z } from 'zod';

/**
 * One payment as the Developer Portal reports it (world-id.md "Payment in World App";
 * docs.world.org "Get Transaction": `{reference, transaction_hash, transaction_status, from, chain,
 * timestamp, token_amount, token, to, app_id}`). Amounts are strings of base units (uint256), so they are
 * kept as strings here and compared as BigInt; a JSON number would already have lost precision.
 * Unknown extra fields are kept (the portal adds fields over time).
 */
export const TransactionStatusSchema = z.enum(['pending', 'mined', 'failed']);
export type PortalTransactionStatus = z.infer<typeof TransactionStatusSchema>;

/** A uint256 in decimal: at most 78 digits (2^256 − 1 has 78). */
export const BaseUnitsSchema = z.string().regex(/^[0-9]{1,78}$/, 'must be a decimal string of base units');

export const PortalTransactionSchema = z.looseObject({
  reference: z.string().min(1).max(200),
  transaction_status: TransactionStatusSchema,
  to: z.string().min(1).max(200),
  token: z.string().min(1).max(32),
  token_amount: BaseUnitsSchema,
  from: z.string().max(200).nullish(),
  transaction_hash: z.string().max(200).nullish(),
  chain: z.string().max(64).nullish(),
  timestamp: z.string().max(64).nullish(),
  app_id: z.string().max(200).nullish(),
});
export type PortalTransaction = z.infer<typeof PortalTransactionSchema>;

/** The token symbols we take payment in. MiniKit's `Tokens.USDC` is sent as the symbol "USDCE" (bridged USDC.e). */
export type PaymentToken = 'USDC' | 'WLD';
export const TOKEN_DECIMALS: Record<PaymentToken, number> = { USDC: 6, WLD: 18 };
/** The symbol MiniKit.pay expects for each token (minikit-js 2.0.3 `Tokens`). */
export const MINIKIT_SYMBOL: Record<PaymentToken, string> = { USDC: 'USDCE', WLD: 'WLD' };
/** Symbols the portal may report for each token; compared case-insensitively. */
export const PORTAL_SYMBOLS: Record<PaymentToken, readonly string[]> = { USDC: ['USDCE', 'USDC'], WLD: ['WLD'] };
