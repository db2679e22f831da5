import { z } from 'zod';

/**
 * Technician admin commands (issue "The kiosk screens and the technician admin screen"). They run in
 * the kiosk core and work fully offline. Every command but `adminUnlock` needs an open admin session:
 * the core opens one after a correct PIN and closes it on `adminLock` or after ADMIN_SESSION_SEC idle;
 * otherwise the command answers `{ok:false, error:{code:'admin_locked'}}`. Every state-changing admin
 * command is an audit event that syncs to the cloud (`admin.action`). No secret ever crosses here.
 */

export const PinSchema = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');

export const AdminUnlockValueSchema = z.strictObject({ expires_at: z.string() });
/** Error codes of adminUnlock: 'pin_wrong' (message says tries left), 'locked_out' (message says when to retry). */
/** Also: 'pin_not_set' (no PIN stored and no ADMIN_PIN configured), 'customer_active' (a customer is mid-flow). */

export const InDoubtPayoutSchema = z.object({
  intent_id: z.string(),
  job_id: z.string(),
  coins: z.number().int(),
  created_at: z.string(),
  /** The counters recorded before the dispense command: what the settlement will compare against. */
  event_counter_before: z.number().int(),
  dispense_count_before: z.number().int(),
  /** The hopper the dispense was sent to; another serial than the connected hopper's: swapped, settle by hand. */
  hopper_serial: z.number().int(),
});

export const AdminStatusSchema = z.object({
  hopper: z.object({
    connected: z.boolean(),
    identity: z
      .object({ manufacturer: z.string(), category: z.string(), product: z.string(), serial: z.number().int(), software: z.string() })
      .nullable(),
    faults: z.array(z.string()),
    level: z.enum(['empty', 'low', 'ok', 'high', 'unknown']),
    port: z.string(),
  }),
  inventory: z.object({
    coins: z.number().int().nullable(),
    reserved: z.number().int().nonnegative(),
    paid_total: z.number().int().nonnegative(),
  }),
  in_doubt: z.array(InDoubtPayoutSchema),
  sync: z.object({
    outbox_depth: z.number().int().nonnegative(),
    oldest_unsynced_at: z.string().nullable(),
    last_success_at: z.string().nullable(),
    quarantined: z.number().int().nonnegative(),
  }),
  network: z.object({ online: z.boolean(), cloud_url: z.string(), last_contact_at: z.string().nullable() }),
  enrolment: z.object({ kiosk_id: z.string().nullable(), name: z.string() }),
  software: z.object({ version: z.string(), build: z.string() }),
  recent_log: z.array(z.object({ time: z.string(), level: z.string(), msg: z.string() })),
});
export type AdminStatus = z.infer<typeof AdminStatusSchema>;

export const SettledPayoutSchema = z.object({
  intent_id: z.string(),
  job_id: z.string(),
  coins_requested: z.number().int(),
  coins_paid: z.number().int(),
  evidence: z.string(),
});

const empty = z.strictObject({});

export const adminCommands = {
  adminUnlock: { params: z.strictObject({ pin: PinSchema }), value: AdminUnlockValueSchema },
  adminLock: { params: empty, value: empty },
  adminStatus: { params: empty, value: AdminStatusSchema },
  /** A technician loaded coins: sets the count the kiosk believes is in the hopper. */
  adminRefill: { params: z.strictObject({ coins: z.number().int().min(0).max(100_000) }), value: z.strictObject({ coins: z.number().int() }) },
  /** The hopper was emptied by hand: count 0. */
  adminEmpty: { params: empty, value: z.strictObject({ coins: z.number().int() }) },
  /** Pays one coin through the full journal path (a technician test id, never a customer job). */
  adminTestDispense: { params: empty, value: z.strictObject({ coins_paid: z.number().int(), outcome: z.string() }) },
  /** Settles every in-doubt payout from the hopper's counters (never by paying). */
  adminSettleInDoubt: { params: empty, value: z.strictObject({ settled: z.array(SettledPayoutSchema) }) },
  /**
   * A payout intent journaled against another hopper (swapped: its counters are gone): the technician
   * counts the coins the customer got and enters them with the PIN. Audited `settled_by: technician`.
   */
  adminSettleByHand: {
    params: z.strictObject({ intent_id: z.string().min(1), coins_paid: z.number().int().min(0).max(255), pin: PinSchema }),
    value: z.strictObject({ intent_id: z.string(), coins_paid: z.number().int() }),
  },
  /** Resets the hopper (clears a jam flag) and reads its faults again. */
  adminResetHopper: { params: empty, value: z.strictObject({ faults: z.array(z.string()) }) },
  adminSyncNow: { params: empty, value: z.strictObject({ outbox_depth: z.number().int() }) },
  adminEnroll: { params: z.strictObject({ code: z.string().min(6).max(64), name: z.string().min(1).max(100).optional() }), value: z.strictObject({ kiosk_id: z.string() }) },
  adminChangePin: { params: z.strictObject({ new_pin: PinSchema }), value: empty },
  /** Restarts the kiosk app once no payout is running. */
  adminRestart: { params: empty, value: empty },
  /** Out of service for maintenance on/off (the customer screen says so). */
  adminSetMaintenance: { params: z.strictObject({ on: z.boolean() }), value: empty },
} as const;
