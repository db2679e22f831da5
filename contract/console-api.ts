import { z } from 'zod';
import { PaymentModeSchema } from './amount-rules';
import { AttentionItemSchema, FleetTransactionSchema, KioskHealthSchema } from './fleet';
import { IsoTimeSchema, UuidSchema } from './ids';
import { KioskOverridesSchema } from './remote-config';
import { TransactionStatusSchema } from './transaction';

/**
 * Issue 17: the operator console's routes (accounts, sessions, roles, search, reconciliation, remote control,
 * webhooks, audit), shared by the cloud (cloud-api/src/routes/console-*.ts) and the console UI (console/).
 * Requests are strict: unknown fields or query parameters → 400 `malformed`.
 */

// ---------- Accounts, sessions, roles ----------

/** viewer reads; operator settles credits, takes kiosks out of service, issues enrolment codes; admin manages accounts, config, revocation. */
export const OperatorRoleSchema = z.enum(['viewer', 'operator', 'admin']);
export type OperatorRole = z.infer<typeof OperatorRoleSchema>;
export const ROLE_RANK: Record<OperatorRole, number> = { viewer: 0, operator: 1, admin: 2 };
export const roleAtLeast = (role: OperatorRole, needed: OperatorRole): boolean => ROLE_RANK[role] >= ROLE_RANK[needed];

/** The session cookie's name and the CSRF header every cookie-authenticated write carries (double-submit bound to the session). */
export const SESSION_COOKIE = 'roluatm_session';
export const CSRF_HEADER = 'X-CSRF-Token';

/** The console's error codes (contract/http.ts ErrorCodes has the general ones). HTTP status in the comment. */
export const ConsoleErrorCodes = {
  badCredentials: 'bad_credentials', // 401
  totpRequired: 'totp_required', // 401: the account has a second factor and none (or a wrong one) was sent
  locked: 'locked', // 423: too many failed logins; Retry-After says when to try again
  forbiddenRole: 'forbidden_role', // 403: a lower role than the route needs
  csrfInvalid: 'csrf_invalid', // 403: a cookie write without the session's X-CSRF-Token
  passwordChangeRequired: 'password_change_required', // 403: must_change_password accounts may only read /v1/auth/* until changed
  passwordWeak: 'password_weak', // 422
} as const;

export const EmailSchema = z.email().max(254).transform((e) => e.toLowerCase());
export const PasswordSchema = z.string().min(1).max(200);
/** A new password: at least 12 characters. */
export const NewPasswordSchema = z.string().min(12, 'at least 12 characters').max(200);
export const TotpCodeSchema = z.string().regex(/^\d{6}$/, 'six digits');

export const OperatorViewSchema = z.object({
  email: z.string(),
  role: OperatorRoleSchema,
  must_change_password: z.boolean(),
  totp_enabled: z.boolean(),
  disabled: z.boolean(),
  created_at: IsoTimeSchema,
  last_login_at: IsoTimeSchema.nullable(),
});
export type OperatorView = z.infer<typeof OperatorViewSchema>;

export const LoginRequestSchema = z.strictObject({ email: EmailSchema, password: PasswordSchema, totp: TotpCodeSchema.optional() });
/** Answer of login and GET /v1/auth/me: the account and the CSRF token for this session's writes. */
export const SessionResponseSchema = z.object({ operator: OperatorViewSchema, csrf_token: z.string(), expires_at: IsoTimeSchema });
export const ChangePasswordRequestSchema = z.strictObject({ current: PasswordSchema, next: NewPasswordSchema });
export const OkResponseSchema = z.object({ ok: z.literal(true) });

export const CreateOperatorRequestSchema = z.strictObject({ email: EmailSchema, role: OperatorRoleSchema, totp: z.boolean().default(false) });
/** The initial password (and TOTP secret, base32, with its otpauth:// URI) are shown once. */
export const CreatedOperatorResponseSchema = z.object({
  operator: OperatorViewSchema,
  password: z.string(),
  totp_secret: z.string().nullable(),
  totp_uri: z.string().nullable(),
});
export const OperatorsResponseSchema = z.object({ items: z.array(OperatorViewSchema) });
export const ResetOperatorResponseSchema = z.object({ operator: OperatorViewSchema, password: z.string() });
export const OperatorEmailParamsSchema = z.object({ email: EmailSchema });

// ---------- Pagination ----------

/** An opaque keyset cursor (base64url); no upper bound on how far back a search pages. */
export const CursorSchema = z.string().min(1).max(300).regex(/^[A-Za-z0-9_-]+$/, 'an opaque cursor from next_cursor');
export const PageLimitSchema = z.coerce.number().int().min(1).max(500).default(50);
export const PageQuerySchema = z.strictObject({ cursor: CursorSchema.optional(), limit: PageLimitSchema });
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: CursorSchema.nullable() });

// ---------- Fleet (kiosks) ----------

export const KioskHealthStateSchema = z.enum(['ok', 'low_coins', 'hopper_fault', 'silent', 'out_of_service', 'revoked']);

export { KioskLimitsOverrideSchema, KioskOverridesSchema, type KioskOverrides } from './remote-config';

/** What the cloud wants the kiosk to run (a version bumped on every change) and what the kiosk last reported applying. */
export const KioskRemoteConfigSchema = z.object({
  desired_version: z.number().int().nonnegative(),
  desired: z.object({ in_service: z.boolean(), reason: z.string().nullable(), overrides: KioskOverridesSchema }),
  applied_version: z.number().int().nonnegative().nullable(),
  applied_at: IsoTimeSchema.nullable(),
});
export type KioskRemoteConfig = z.infer<typeof KioskRemoteConfigSchema>;

export const KioskListItemSchema = KioskHealthSchema.extend({
  health: KioskHealthStateSchema,
  low_coins: z.boolean(),
  /** The operator's reason while taken out of service remotely; null in service. */
  out_of_service_reason: z.string().nullable(),
  desired_config_version: z.number().int().nonnegative(),
  applied_config_version: z.number().int().nonnegative().nullable(),
});
export type KioskListItem = z.infer<typeof KioskListItemSchema>;

export const FleetKioskListQuerySchema = PageQuerySchema;
export const FleetKioskListResponseSchema = pageOf(KioskListItemSchema).extend({
  payment_mode: PaymentModeSchema,
  /** WORLD_ID_ALLOW_STAGING=1: staging World ID apps and results are accepted (demo and tests only). */
  world_id_staging: z.boolean(),
});

export const KioskEventViewSchema = z.object({
  seq: z.number().int(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  occurred_at: IsoTimeSchema,
  received_at: IsoTimeSchema,
  flagged: z.string().nullable(),
});
export const KioskDetailResponseSchema = z.object({
  kiosk: KioskListItemSchema,
  config: KioskRemoteConfigSchema,
  transactions: z.array(FleetTransactionSchema),
  events: z.array(KioskEventViewSchema),
  hopper_faults: z.array(KioskEventViewSchema),
});

export const KioskServiceRequestSchema = z.strictObject({ in_service: z.boolean(), reason: z.string().min(1).max(200).optional() });
export const KioskConfigResponseSchema = z.object({ kiosk_id: UuidSchema, config: KioskRemoteConfigSchema });

// ---------- Transactions ----------

const DateOrTimeSchema = z.union([z.iso.date(), IsoTimeSchema]);
/** Search filters, shared by the JSON page and the CSV export. `from`/`to`: ISO date (UTC day) or time; `to` is exclusive for times, inclusive for dates. */
export const TransactionSearchFilterShape = {
  receipt_code: z.string().regex(/^[0-9A-Fa-f-]{4,12}$/, 'the receipt code (hex digits)').optional(),
  transaction_id: UuidSchema.optional(),
  kiosk_id: UuidSchema.optional(),
  status: TransactionStatusSchema.optional(),
  from: DateOrTimeSchema.optional(),
  to: DateOrTimeSchema.optional(),
};
export const TransactionSearchQuerySchema = z.strictObject({ ...TransactionSearchFilterShape, cursor: CursorSchema.optional(), limit: PageLimitSchema });
export const TransactionCsvQuerySchema = z.strictObject(TransactionSearchFilterShape);
/** A search hit: the transaction with payment status, job, its cloud-side trail (`events`) and the receipt code. */
export const TransactionSearchItemSchema = FleetTransactionSchema.extend({ receipt_code: z.string() });
export const TransactionSearchResponseSchema = pageOf(TransactionSearchItemSchema);
/** CSV columns of GET /v1/fleet/transactions.csv, in order. */
export const TRANSACTION_CSV_COLUMNS = [
  'id', 'receipt_code', 'kiosk_id', 'status', 'amount_cents', 'fee_cents', 'total_cents', 'coins', 'coins_paid', 'payment_status', 'created_at',
] as const;

export const TrailEventSchema = z.object({ type: z.string(), data: z.record(z.string(), z.unknown()), created_at: IsoTimeSchema });
export const TransactionDetailResponseSchema = z.object({
  transaction: TransactionSearchItemSchema,
  cloud_events: z.array(TrailEventSchema),
  kiosk_events: z.array(KioskEventViewSchema),
  job: FleetTransactionSchema.shape.job,
  payments: z.array(z.object({ id: z.string(), status: z.string(), created_at: IsoTimeSchema }).catchall(z.unknown())),
  /** Coins owed to the customer (issue 15's ledger; empty before it exists). */
  credits: z.array(z.record(z.string(), z.unknown())),
});

// ---------- Reconciliation ----------

export const ReconciliationQuerySchema = z.strictObject({
  from: z.iso.date(),
  to: z.iso.date(),
  kiosk_id: UuidSchema.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
/**
 * Per kiosk and UTC day. coins_due: coins of the day's dispense jobs (what customers were promised); every promised coin is
 * either paid or owed as a credit, so difference = coins_due − coins_paid − credits_opened_coins and is 0 when nothing was lost.
 * coins_loaded (refills at the kiosk) and credits_collected_coins are shown beside it for the cash count.
 */
export const ReconciliationRowSchema = z.object({
  kiosk_id: UuidSchema,
  kiosk_name: z.string(),
  day: z.iso.date(),
  coins_loaded: z.number().int(),
  coins_due: z.number().int(),
  coins_paid: z.number().int(),
  credits_opened_coins: z.number().int(),
  credits_collected_coins: z.number().int(),
  difference: z.number().int(),
});
export const ReconciliationResponseSchema = z.object({ rows: z.array(ReconciliationRowSchema) });
export const RECONCILIATION_CSV_COLUMNS = [
  'kiosk_id', 'kiosk_name', 'day', 'coins_loaded', 'coins_due', 'coins_paid', 'credits_opened_coins', 'credits_collected_coins', 'difference',
] as const;

// ---------- Webhooks ----------

export const WebhookEventSchema = z.enum(['low_coins', 'hopper_fault', 'kiosk_silent', 'payout_in_doubt', 'credit_opened']);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
export const WEBHOOK_SIGNATURE_HEADER = 'X-RoluATM-Signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'X-RoluATM-Timestamp';
export const WEBHOOK_EVENT_HEADER = 'X-RoluATM-Event';
export const WEBHOOK_DELIVERY_HEADER = 'X-RoluATM-Delivery';

/**
 * Signing (issue 17): each POST carries `X-RoluATM-Timestamp: <unix seconds>` and
 * `X-RoluATM-Signature: sha256=<hex HMAC-SHA256(key = the webhook's secret as UTF-8, message = webhookSignedString(...))>`,
 * where the message is the timestamp, a dot, and the exact body bytes sent: `"<timestamp>.<body>"`. A receiver recomputes it
 * over the raw body (before parsing JSON), compares in constant time, and refuses a timestamp too far from its clock (replay).
 */
export const WEBHOOK_SIGNATURE_PREFIX = 'sha256=';
export const webhookSignedString = (timestamp: string, body: string): string => `${timestamp}.${body}`;

/**
 * Delivery (issue 17): a 2xx answer within WEBHOOK_TIMEOUT_MS is `delivered`; anything else is tried again after
 * min(30 s · 2^(attempt − 1), 1 h), and after WEBHOOK_MAX_ATTEMPTS attempts the delivery is `failed`
 * (waits of 30 s, 1, 2, 4, 8, 16, 32 min, 1 h, 1 h: about four hours of retries). Redirects are not followed (a 3xx is a failure).
 */
export const WEBHOOK_TIMEOUT_MS = 5000;
export const WEBHOOK_MAX_ATTEMPTS = 10;
export const WEBHOOK_BACKOFF = { baseMs: 30_000, capMs: 3_600_000 } as const;

export const CreateWebhookRequestSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000),
  events: z.array(WebhookEventSchema).min(1).max(5),
});
export const WebhookViewSchema = z.object({
  id: UuidSchema,
  url: z.string(),
  events: z.array(WebhookEventSchema),
  created_at: IsoTimeSchema,
  created_by: z.string(),
});
/** The secret is shown once, at creation. */
export const CreatedWebhookResponseSchema = z.object({ webhook: WebhookViewSchema, secret: z.string() });
export const WebhooksResponseSchema = z.object({ items: z.array(WebhookViewSchema) });
export const WebhookDeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']);
export const WebhookDeliverySchema = z.object({
  id: UuidSchema,
  webhook_id: UuidSchema,
  event: WebhookEventSchema,
  body: z.record(z.string(), z.unknown()),
  status: WebhookDeliveryStatusSchema,
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: IsoTimeSchema.nullable(),
  created_at: IsoTimeSchema,
  delivered_at: IsoTimeSchema.nullable(),
});
export const WebhookDeliveriesResponseSchema = pageOf(WebhookDeliverySchema);
/** The body POSTed to a webhook URL. */
export const WebhookBodySchema = z.object({
  id: UuidSchema,
  event: WebhookEventSchema,
  occurred_at: IsoTimeSchema,
  kiosk_id: UuidSchema.nullable(),
  transaction_id: UuidSchema.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookBody = z.infer<typeof WebhookBodySchema>;

// ---------- Audit ----------

export const AuditEventSchema = z.object({
  id: UuidSchema,
  at: IsoTimeSchema,
  /** The account's email, or `service:<name>` for the OPERATOR_TOKEN bearer. */
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const AuditQuerySchema = PageQuerySchema;
export const AuditResponseSchema = pageOf(AuditEventSchema);

// ---------- Attention ----------

/** What resolves an attention item in the console: the route to call, or what to do at the kiosk. */
export const AttentionActionSchema = z.object({
  label: z.string(),
  method: z.enum(['GET', 'POST', 'PUT']).nullable(),
  path: z.string().nullable(),
});
export const ConsoleAttentionItemSchema = AttentionItemSchema.extend({ action: AttentionActionSchema });
export const ConsoleAttentionResponseSchema = z.object({ items: z.array(ConsoleAttentionItemSchema) });
