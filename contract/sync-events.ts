import { z } from 'zod';
import { CentsSchema, CoinsSchema } from './money';
import { IsoTimeSchema, UuidSchema } from './ids';
import { KioskOverridesSchema } from './remote-config';
import { PayoutOutcomeSchema, TransactionKindSchema, TransactionStatusSchema } from './transaction';

/**
 * Outbox events (kiosk → cloud, POST /v1/sync). `seq` is the kiosk's own sequence number,
 * gap-free from 1 and never reused; the cloud stores each (kiosk, seq) once and answers
 * the highest contiguous seq it holds. Order comes from seq, never from `occurred_at`
 * (the kiosk clock may jump).
 */
const payloads = {
  'transaction.created': z.strictObject({
    transaction_id: UuidSchema,
    amount_cents: CentsSchema,
    fee_cents: CentsSchema,
    total_cents: CentsSchema,
    coins: CoinsSchema,
    /** Issue 15: 'claim' for a collect transaction; absent = 'cash_out'. */
    kind: TransactionKindSchema.optional(),
  }),
  'transaction.status': z.strictObject({
    transaction_id: UuidSchema,
    status: TransactionStatusSchema,
    reason: z.string().max(500).optional(),
  }),
  'job.received': z.strictObject({ job_id: UuidSchema, transaction_id: UuidSchema, coins: CoinsSchema }),
  /**
   * Presence rule (issue 15): a valid job whose transaction is not the live session on this kiosk's
   * screen was acknowledged but never paid. The cloud records the full amount as owed.
   */
  'job.not_presented': z.strictObject({
    job_id: UuidSchema,
    transaction_id: UuidSchema,
    coins: CoinsSchema,
    reason: z.string().min(1).max(500),
  }),
  'payout.intent': z.strictObject({
    job_id: UuidSchema,
    intent_id: UuidSchema,
    hopper_serial: z.number().int().nonnegative(),
    event_counter: z.number().int().min(0).max(255),
    dispense_count: z.number().int().nonnegative(),
    coins: CoinsSchema,
  }),
  'payout.result': z.strictObject({
    job_id: UuidSchema,
    transaction_id: UuidSchema,
    coins_ordered: CoinsSchema,
    coins_paid: CoinsSchema,
    coins_unpaid: CoinsSchema,
    outcome: PayoutOutcomeSchema,
    reason: z.string().max(500).optional(),
  }),
  'kiosk.heartbeat': z.strictObject({
    coins_available: CoinsSchema,
    hopper_ok: z.boolean(),
    outbox_depth: z.number().int().nonnegative(),
    version: z.string().max(100),
    /** Seconds since the oldest unsynced outbox row was written (0 when none). */
    oldest_unsynced_age_s: z.number().int().nonnegative().optional(),
  }),
  'admin.action': z.strictObject({
    action: z.string().min(1).max(100),
    detail: z.record(z.string(), z.unknown()).optional(),
  }),
  /** Issue 17: the kiosk applied the operator's remote config `version` (when idle): what it now runs. */
  'config.applied': z.strictObject({
    version: z.number().int().positive(),
    in_service: z.boolean(),
    overrides: KioskOverridesSchema,
  }),
  /** Tombstone for a seq the kiosk quarantined: fills the seq so the queue moves on; the operator sees it. */
  'outbox.quarantined': z.strictObject({
    original_type: z.string().min(1).max(100),
    reason: z.string().min(1).max(500),
  }),
} as const;

export type SyncEventType = keyof typeof payloads;
export type SyncPayload<T extends SyncEventType> = z.infer<(typeof payloads)[T]>;

const envelope = {
  // The cloud stores seq in a Postgres integer: beyond 2^31-1 is malformed, not a 500 (found by test/fuzz/cloud-routes.ts).
  seq: z.number().int().positive().max(2_147_483_647),
  id: UuidSchema,
  occurred_at: IsoTimeSchema,
};

export const SyncEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...envelope, type: z.literal('transaction.created'), payload: payloads['transaction.created'] }),
  z.strictObject({ ...envelope, type: z.literal('transaction.status'), payload: payloads['transaction.status'] }),
  z.strictObject({ ...envelope, type: z.literal('job.received'), payload: payloads['job.received'] }),
  z.strictObject({ ...envelope, type: z.literal('job.not_presented'), payload: payloads['job.not_presented'] }),
  z.strictObject({ ...envelope, type: z.literal('payout.intent'), payload: payloads['payout.intent'] }),
  z.strictObject({ ...envelope, type: z.literal('payout.result'), payload: payloads['payout.result'] }),
  z.strictObject({ ...envelope, type: z.literal('kiosk.heartbeat'), payload: payloads['kiosk.heartbeat'] }),
  z.strictObject({ ...envelope, type: z.literal('admin.action'), payload: payloads['admin.action'] }),
  z.strictObject({ ...envelope, type: z.literal('config.applied'), payload: payloads['config.applied'] }),
  z.strictObject({ ...envelope, type: z.literal('outbox.quarantined'), payload: payloads['outbox.quarantined'] }),
]);
export type SyncEvent = z.infer<typeof SyncEventSchema>;

export function syncPayloadSchema<T extends SyncEventType>(type: T): (typeof payloads)[T] {
  return payloads[type];
}
