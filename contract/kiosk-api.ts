import { z } from 'zod';
import { AmountCentsSchema, CoinsSchema, FeePolicySchema } from './money';
import { PaymentModeSchema, SupportContactSchema } from './amount-rules';
import { DayTimeZoneSchema } from './operator-day';
import { ErrorInfoSchema, resultSchema } from './result';
import { adminCommands } from './admin-api';
import { TransactionKindSchema } from './transaction';

/**
 * KioskApi: the one typed contract between the renderer and the kiosk core (ARCHITECTURE.md).
 * Carried by Electron IPC (preload) or, in browser mode, by a loopback WebSocket with a
 * per-start token. The renderer never sees a secret: nothing here carries a token or key.
 */

export const HopperHealthSchema = z.object({
  connected: z.boolean(),
  ok: z.boolean(),
  serial: z.number().int().nullable(),
  faults: z.array(z.string()),
  coins_available: z.number().int().nonnegative(),
});
export type HopperHealth = z.infer<typeof HopperHealthSchema>;

export const LimitsSchema = z.object({
  min_cents: z.number().int().positive(),
  max_cents: z.number().int().positive(),
  presets_cents: z.array(z.number().int().positive()),
});
export type Limits = z.infer<typeof LimitsSchema>;

const txFields = {
  transaction_id: z.string(),
  /**
   * Issue 15: `cash_out` (the customer picked an amount and pays) or `claim` (the customer collects coins
   * they are owed: no payment step; amount and coins are 0 until the cloud has found the person's credits).
   */
  kind: TransactionKindSchema,
  amount_cents: z.number().int(),
  fee_cents: z.number().int(),
  total_cents: z.number().int(),
  coins: z.number().int(),
};

/**
 * What the customer is still owed after this transaction (issue 15, credits): coins and their value,
 * with the receipt code to quote. They can collect it at any RoluATM by scanning with World App.
 */
const owedFields = {
  /** Coins owed to the customer (0 or null: nothing owed). Worth coins_owed × 25 cents. */
  coins_owed: z.number().int().nonnegative().nullable(),
  /** The code the customer can quote (last 8 hex digits of the transaction id), null when no transaction. */
  receipt_code: z.string().nullable(),
};

/**
 * Issue 16 "Need more time?": how many more times `extendSession` may push this step's `expires_at` out
 * (main/kiosk/step-deadline.ts). 0: the prompt is not offered (count used, or the cloud's limits are near).
 */
const moreTimeFields = {
  extensions_left: z.number().int().nonnegative(),
};

/** What the customer screen shows. The UI is a pure function of this state. */
export const FlowStateSchema = z.discriminatedUnion('screen', [
  z.object({ screen: z.literal('idle') }),
  z.object({ screen: z.literal('registering'), kind: TransactionKindSchema, amount_cents: z.number().int() }),
  z.object({
    screen: z.literal('scan'),
    ...txFields,
    connector_uri: z.string(),
    /** SVG markup of the QR code for connector_uri, made in the core. */
    qr_svg: z.string(),
    expires_at: z.string(),
    ...moreTimeFields,
  }),
  z.object({ screen: z.literal('verifying'), ...txFields }),
  z.object({
    screen: z.literal('waiting_payment'),
    ...txFields,
    payment_url: z.string().nullable(),
    /**
     * SVG QR of payment_url, shown when the cloud still waits for payment (PAYMENT_MODE=world_app):
     * the second-scan path for when World App does not follow `return_to` (PRODUCT.md step 3).
     */
    payment_qr_svg: z.string().nullable(),
    expires_at: z.string(),
    ...moreTimeFields,
  }),
  /**
   * Issue 15: the payment was submitted and is still being confirmed (mined). No Cancel; its own, longer
   * limit (PAYMENT_CONFIRM_TIMEOUT_SEC) until expires_at, after which the session ends and the confirmed
   * payment becomes a credit in the cloud.
   */
  z.object({ screen: z.literal('confirming_payment'), ...txFields, expires_at: z.string() }),
  /**
   * Issue 15, collect: the cloud found coins owed to this person; `coins` of them come out here now (the
   * dispense job is on its way), `coins_left_owed` stay owed (what this kiosk could not hold).
   */
  z.object({ screen: z.literal('collecting'), ...txFields, coins_left_owed: z.number().int().nonnegative() }),
  /** Issue 15, collect: this person is owed nothing. A plain message; no job, no coins. */
  z.object({ screen: z.literal('nothing_owed'), transaction_id: z.string() }),
  z.object({ screen: z.literal('dispensing'), ...txFields, coins_paid: z.number().int() }),
  z.object({ screen: z.literal('done'), ...txFields, coins_paid: z.number().int(), ...owedFields, receipt_code: z.string() }),
  z.object({
    screen: z.literal('error'),
    error: ErrorInfoSchema,
    /** One plain sentence telling the customer what to do next. */
    next_step: z.string(),
    transaction_id: z.string().nullable(),
    ...owedFields,
    /** Coins proven paid so far (payout errors and in-doubt), null when no payout started. */
    coins_paid: z.number().int().nonnegative().nullable(),
  }),
]);
export type FlowState = z.infer<typeof FlowStateSchema>;
export type Screen = FlowState['screen'];

export const OutOfServiceReasonSchema = z.enum(['offline', 'hopper', 'empty', 'maintenance', 'not_enrolled']);

export const KioskStateSchema = z.object({
  flow: FlowStateSchema,
  online: z.boolean(),
  /** Non-null when new cash-outs cannot start; the screen says why and recovers by itself. */
  out_of_service: OutOfServiceReasonSchema.nullable(),
  hopper: HopperHealthSchema,
  /**
   * Coins a new cash-out may use: inventory minus coins reserved by open transactions
   * (contract/amount-rules.ts freeCoins). The screen checks amounts against this, as the core does.
   */
  free_coins: CoinsSchema,
  /** The cloud's limits (presets are the kiosk's, within them) and fee; the kiosk's env only before first contact. */
  limits: LimitsSchema,
  fee: FeePolicySchema,
  /** Who pays, as the cloud last said (enrolment, sync); null before first contact (neutral wording). */
  payment_mode: PaymentModeSchema.nullable(),
  /** The operator's support contact, as the cloud last said (SUPPORT_CONTACT); null when none is set. */
  support_contact: SupportContactSchema.nullable(),
  /**
   * The zone of the day the cloud's daily limits count in (PER_HUMAN_DAY_TIME_ZONE, via amount_policy); null
   * before first contact or from an older cloud (then UTC, the cloud's default). The error screen's "resets at".
   */
  day_time_zone: DayTimeZoneSchema.nullable(),
  version: z.string(),
  /** Demo mode only: the simulated phone page; the QR links to it with `?uri=`. Null on a real kiosk. */
  demo_phone_url: z.string().nullable(),
  /** True while a technician admin session is open (the renderer shows the admin screen). */
  admin_open: z.boolean(),
});
export type KioskState = z.infer<typeof KioskStateSchema>;

/** Commands: name → params and value schemas. Each returns Result<value>. */
export const kioskCommands = {
  getState: { params: z.strictObject({}), value: KioskStateSchema },
  startCashOut: { params: z.strictObject({ amount_cents: AmountCentsSchema }), value: z.strictObject({ transaction_id: z.string() }) },
  /** Issue 15: "Collect coins you are owed" — a claim transaction (scan with World App, no payment step). */
  startCollect: { params: z.strictObject({}), value: z.strictObject({ transaction_id: z.string() }) },
  cancel: { params: z.strictObject({}), value: z.strictObject({}) },
  /**
   * Issue 16 "Need more time?": pushes the countdown of the step on screen (scan, waiting_payment) out by
   * MORE_TIME_SEC, a bounded number of times per step; the new deadline is the answer and goes out in
   * KioskState. Refused `not_extendable` on any other screen, `no_more_time` once the step's taps are used
   * or the cloud's limits leave no room.
   */
  extendSession: { params: z.strictObject({}), value: z.strictObject({ expires_at: z.string() }) },
  /** Back to idle from done or error. */
  dismiss: { params: z.strictObject({}), value: z.strictObject({}) },
  ...adminCommands,
} as const;

export type KioskCommandName = keyof typeof kioskCommands;
export type KioskCommandParams<N extends KioskCommandName> = z.infer<(typeof kioskCommands)[N]['params']>;
export type KioskCommandValue<N extends KioskCommandName> = z.infer<(typeof kioskCommands)[N]['value']>;
export const KIOSK_COMMAND_NAMES = Object.keys(kioskCommands) as KioskCommandName[];

/** What the core implements and the renderer calls, whatever carries it. */
export type KioskApi = {
  [N in KioskCommandName]: (params: KioskCommandParams<N>) => Promise<
    { ok: true; value: KioskCommandValue<N> } | { ok: false; error: { code: string; message: string } }
  >;
} & {
  /** Subscribe to state; the callback gets the current state at once, then every change. Returns unsubscribe. */
  onState(listener: (state: KioskState) => void): () => void;
};

/** Wire messages (WebSocket in browser mode; the same shapes over IPC). */
export const WireCallSchema = z.strictObject({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.enum(KIOSK_COMMAND_NAMES as [KioskCommandName, ...KioskCommandName[]]),
  params: z.unknown(),
});
export type WireCall = z.infer<typeof WireCallSchema>;

export const WireServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: resultSchema(z.unknown()) }),
  z.object({ type: z.literal('state'), state: KioskStateSchema }),
]);
export type WireServerMessage = z.infer<typeof WireServerMessageSchema>;

/**
 * What the Electron preload exposes on `window.kioskBridge` (contextBridge). The renderer uses it
 * when present, else the loopback WebSocket. Both carry the same WireCall/WireServerMessage shapes.
 */
export interface KioskBridge {
  call(method: KioskCommandName, params: unknown): Promise<unknown>;
  onState(listener: (state: unknown) => void): () => void;
}
export const KIOSK_API_WS_PATH = '/kiosk-api';
