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

/**
 * The docs show snake_case (`transaction_status`, `token_amount`); the portal's own source builds the
 * answer in camelCase (`transactionStatus`, `tokenAmount`). One schema takes both: a camelCase key is
 * read as its snake_case name unless that name is present too (then the snake_case value wins).
 */
function snakeCaseKeys(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [key, value] of Object.entries(input)) {
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snake !== key && !Object.hasOwn(out, snake)) out[snake] = value;
  }
  return out;
}

const PortalTransactionFields = z.looseObject({
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
export const PortalTransactionSchema = z.preprocess(snakeCaseKeys, PortalTransactionFields);
export type PortalTransaction = z.infer<typeof PortalTransactionSchema>;

/** The token symbols we take payment in. MiniKit's `Tokens.USDC` is sent as the symbol "USDCE" (bridged USDC.e). */
export type PaymentToken = 'USDC' | 'WLD';
export const TOKEN_DECIMALS: Record<PaymentToken, number> = { USDC: 6, WLD: 18 };
/** The symbol MiniKit.pay expects for each token (minikit-js 2.0.3 `Tokens`). */
export const MINIKIT_SYMBOL: Record<PaymentToken, string> = { USDC: 'USDCE', WLD: 'WLD' };
/** Symbols the portal may report for each token; compared case-insensitively. */
export const PORTAL_SYMBOLS: Record<PaymentToken, readonly string[]> = { USDC: ['USDCE', 'USDC'], WLD: ['WLD'] };
