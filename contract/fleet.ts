import { z } from 'zod';
import { TransactionViewSchema } from './http';
import { IsoTimeSchema, UuidSchema } from './ids';

/** Operator (fleet) routes, ARCHITECTURE.md "Cloud HTTP API". Queries are strict: unknown parameters → 400. */

export const FleetAttentionQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** Routes with no query parameters accept none; routes with no body accept only `{}`. */
export const NoQuerySchema = z.strictObject({});
export const NoBodySchema = z.strictObject({});

export const KioskHealthSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  created_at: IsoTimeSchema,
  last_seen_at: IsoTimeSchema.nullable(),
  revoked_at: IsoTimeSchema.nullable(),
  heartbeat_at: IsoTimeSchema.nullable(),
  coins_available: z.number().int().nullable(),
  hopper_ok: z.boolean().nullable(),
  outbox_depth: z.number().int().nullable(),
  version: z.string().nullable(),
  open_jobs: z.number().int(),
  /** No contact for longer than KIOSK_SILENT_SEC. */
  silent: z.boolean(),
});

export const RevokeKioskResponseSchema = z.object({ kiosk_id: UuidSchema, revoked_at: IsoTimeSchema });

export const FleetTransactionSchema = TransactionViewSchema.extend({
  payment_status: z.string().nullable(),
  job: z
    .object({
      id: UuidSchema,
      status: z.string(),
      coins: z.number().int(),
      coins_paid: z.number().int().nullable(),
      coins_unpaid: z.number().int().nullable(),
      expires_at: IsoTimeSchema,
    })
    .nullable(),
  events: z.array(z.object({ type: z.string(), data: z.record(z.string(), z.unknown()), created_at: IsoTimeSchema })),
});

export const AttentionKindSchema = z.enum([
  'job_stuck', 'payout_incomplete', 'credit_open', 'kiosk_silent', 'event_flagged', 'payment_unresolved',
  // Daily cash caps (issue 14): today's room is below the smallest amount; detail {used_cents, cap_cents}.
  'kiosk_daily_cap_reached', 'fleet_daily_cap_reached',
]);
export const AttentionItemSchema = z.object({
  kind: AttentionKindSchema,
  kiosk_id: UuidSchema.nullable(),
  transaction_id: UuidSchema.nullable(),
  ref_id: z.string(),
  since: IsoTimeSchema,
  detail: z.record(z.string(), z.unknown()),
});
export const FleetAttentionResponseSchema = z.object({ items: z.array(AttentionItemSchema) });
