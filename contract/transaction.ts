import { z } from 'zod';

/**
 * Transaction states shared by kiosk and cloud (PRODUCT.md "The customer flow").
 * created → verified → paid → dispensing → completed | partial | failed;
 * created/verified → expired | cancelled | refused.
 */
export const TransactionStatusSchema = z.enum([
  'created',
  'verified',
  'paid',
  'dispensing',
  'completed',
  'partial',
  'failed',
  'expired',
  'cancelled',
  'refused',
]);
export type TransactionStatus = z.infer<typeof TransactionStatusSchema>;

/**
 * What a transaction is for (issue 15): a `cash_out` the customer pays for, or a `claim` that pays out
 * coins the customer is owed (open credits, contract/credits.ts) with no payment step. Stored on both
 * sides, default 'cash_out'.
 */
export const TransactionKindSchema = z.enum(['cash_out', 'claim']);
export type TransactionKind = z.infer<typeof TransactionKindSchema>;

/** The money columns of a transaction row, the same on the kiosk (SQLite) and in the cloud (Postgres): integer cents, whole quarters. */
export interface TransactionMoneyColumns {
  amount_cents: number;
  fee_cents: number;
  total_cents: number;
  coins: number;
  status: TransactionStatus;
  coins_paid: number | null;
}

export const FINAL_TRANSACTION_STATUSES: readonly TransactionStatus[] = [
  'completed',
  'partial',
  'failed',
  'expired',
  'cancelled',
  'refused',
];

/** Dispense job states. A job is born `pending` in the cloud, exactly one per transaction. */
export const JobStatusSchema = z.enum(['pending', 'delivered', 'acked', 'completed', 'partial', 'failed']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** What the hopper's counters proved about a payout. */
export const PayoutOutcomeSchema = z.enum(['completed', 'partial', 'failed']);
export type PayoutOutcome = z.infer<typeof PayoutOutcomeSchema>;
