import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { httpUrl } from '../../contract/http-url';
import { JobPublicKeyListEnvSchema } from '../../contract/job';
import { amountPolicyProblems, type AmountPolicy } from '../../contract/amount-rules';
import { DayTimeZoneSchema } from '../../contract/operator-day';
import { CloudScheduleEnvSchema } from './scheduler/cloud-scheduler';
import { isValidSigningKeyHex, RP_ID_PATTERN } from './worldid/rp-context';

/**
 * Cloud API configuration (ARCHITECTURE.md "Configuration"): parsed once, in the entry point, from env.
 * A bad value fails fast with a message naming the variable; secrets are never echoed back.
 */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

const flag = (def: '0' | '1') => z.enum(['0', '1', 'false', 'true']).default(def).transform((v) => v === '1' || v === 'true');
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);

function isEd25519Pkcs8(b64: string): boolean {
  try {
    return createPrivateKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'pkcs8' }).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

const EnvSchema = z.object({
  PORT: int(8080, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// connection string' }).optional(),
  DATA_DIR: z.string().min(1).default('./.data/cloud'),
  /** NODE_ENV=production: the cloud refuses to start on PGlite (issue 18; see REQUIRE_POSTGRES). */
  NODE_ENV: z.string().optional(),
  /** 1 = refuse to start without DATABASE_URL whatever NODE_ENV says (any deployment of more than one instance). */
  REQUIRE_POSTGRES: flag('0'),
  /**
   * A session-mode connection for LISTEN/NOTIFY when DATABASE_URL points at a transaction pooler
   * (PgBouncer pool_mode=transaction drops LISTEN): e.g. the database's direct address (docs/SCALING.md).
   */
  DATABASE_LISTEN_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// connection string' }).optional(),
  /** Connections this instance's pg pool may open (plus one for LISTEN). */
  DATABASE_POOL_MAX: int(10, 1, 1000),
  /** Postgres statement_timeout for every pooled connection, ms (0 = none; migrations are exempt). */
  DATABASE_STATEMENT_TIMEOUT_MS: int(15_000, 0),
  /** 0 = no named prepared statements (behind a transaction pooler without prepared-statement support; db/pg-adapter.ts). */
  DATABASE_PREPARED_STATEMENTS: flag('1'),
  /** kiosks.last_seen_at is written at most once per this many seconds per kiosk, not on every request (issue 18). */
  LAST_SEEN_WRITE_SEC: int(60, 0),
  /** Shared rate limits across instances (issue 18): Redis when set, else Postgres when DATABASE_URL is set, else memory. */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// connection string' }).optional(),
  OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** The OPERATOR_TOKEN bearer acts as this named service account (admin role); its audit actor is `service:<name>`. */
  OPERATOR_TOKEN_NAME: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'must be 1 to 40 of a-z, 0-9, _ and -').default('scripts'),
  /** Issue 17: operator console sessions and login lockout. */
  OPERATOR_SESSION_TTL_SEC: int(12 * 3600, 60),
  OPERATOR_LOGIN_MAX_FAILURES: int(5, 1),
  OPERATOR_LOCKOUT_SEC: int(900, 1),
  /** Issue 17: low-coin threshold for the fleet list's low_coins and the low_coins webhook. */
  LOW_COINS_THRESHOLD: int(100, 0),
  // world-id.md: idkit-core refuses an app id without the `app_` prefix (`app_staging_…` for a staging app).
  WORLD_ID_APP_ID: z.string().regex(/^app_[A-Za-z0-9_]+$/, 'must be the Developer Portal app id: app_ then letters, digits or _ (app_staging_… for staging)'),
  // idkit-core 4.3 parses the rp id as a u64 in hex; any other form is refused on the kiosk at the first cash-out.
  WORLD_ID_RP_ID: z.string().regex(RP_ID_PATTERN, 'must be rp_ then 1 to 16 hex digits, as the Developer Portal shows it (e.g. rp_1234567890abcdef)'),
  WORLD_ID_SIGNING_KEY: z.string().refine(isValidSigningKeyHex, 'must be the RP signing key: 32 bytes as 64 hex digits (optional 0x), a valid secp256k1 key'),
  WORLD_ID_ACTION: z.string().regex(/^\S(.*\S)?$/, 'must be the action id from the Developer Portal, without spaces at either end'),
  /** Demo and tests only: accept `app_staging_…` ids and `staging` World ID results (docs/SECURITY.md). */
  WORLD_ID_ALLOW_STAGING: flag('0'),
  /** Accept legacy 3.0 Orb proofs (World App makes them until 2027-04-01); 0 drops 3.0. */
  WORLD_ID_ACCEPT_LEGACY: flag('1'),
  DEV_PORTAL_BASE_URL: httpUrl().default('https://developer.world.org'),
  // No default (issue 14 "No cash by accident"): 'none' = operator-funded payout, said explicitly;
  // 'world_app' = MiniKit pay confirmed with the Developer Portal.
  PAYMENT_MODE: z.enum(['none', 'world_app'], {
    error: 'required: set none (operator-funded payouts, nobody pays) or world_app (the customer pays in World App)',
  }),
  /** Issue 16: the operator's support contact (phone, e-mail or web address) the kiosk screens show; optional. */
  SUPPORT_CONTACT: z.string().trim().min(1).max(120).optional(),
  DEV_PORTAL_API_KEY: z.string().min(8).optional(),
  PAYMENT_RECIPIENT: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address (40 hex)').optional(),
  PAYMENT_TOKEN: z.enum(['USDC', 'WLD']).default('USDC'),
  /** WLD per 1 USD in millionths of a WLD; needed only when PAYMENT_TOKEN=WLD. */
  PAYMENT_WLD_PER_USD_MICRO: int(0, 0),
  /** Token buckets, shared by every instance through REDIS_URL or Postgres (rate-limit.ts); 0 turns a limit off. */
  RATE_LIMIT_IP_PER_MIN: int(1200, 0),
  RATE_LIMIT_KIOSK_PER_MIN: int(600, 0),
  /** The public payment routes, per transaction id (the mini app has no token to key on). */
  RATE_LIMIT_TRANSACTION_PER_MIN: int(60, 0),
  /** Developer Portal lookups a customer's calls may cause per transaction (pending ones are re-checked by the server). */
  PORTAL_LOOKUPS_PER_TRANSACTION_PER_MIN: int(5, 0),
  /** Take the client IP from X-Forwarded-For (only behind a proxy you run). */
  // The number of proxies you run in front of the cloud (0 = none: the socket's peer is the client).
  // 'true'/'false' are read as 1/0.
  TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|true|false)$/, 'must be the number of trusted proxies (0, 1, 2 …)')
    .default('0')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
  KIOSK_SILENT_SEC: int(600, 1),
  JOB_STUCK_SEC: int(1800, 1),
  JOB_SIGNING_KEY: z.string().refine(isEd25519Pkcs8, 'must be an Ed25519 private key, PKCS8 DER, base64'),
  /**
   * Other job public keys announced to kiosks besides the signing key's (docs/SECURITY.md "Job-key
   * rotation"): the next key before the switch, the retired key until its jobs have expired.
   * Comma-separated, each Ed25519 SPKI DER base64.
   */
  JOB_ANNOUNCED_PUBLIC_KEYS: JobPublicKeyListEnvSchema,
  /** How long a kiosk's replaced token still works after POST /v1/kiosks/token (docs/SECURITY.md). */
  KIOSK_TOKEN_GRACE_SEC: int(600, 0, 30 * 24 * 3600),
  /** Daily cash caps in cents, per kiosk and for the whole fleet, over the operator's day; unset = no cap. */
  KIOSK_DAILY_CAP_CENTS: z.coerce.number().int().min(100).optional(),
  FLEET_DAILY_CAP_CENTS: z.coerce.number().int().min(100).optional(),
  MINIAPP_BASE_URL: httpUrl().default('https://world.org/mini-app'),
  FEE_FLAT_CENTS: int(0, 0, 100_000),
  FEE_BPS: int(0, 0, 10_000),
  MIN_AMOUNT_CENTS: int(100, 100),
  MAX_AMOUNT_CENTS: int(5000, 100),
  TRANSACTION_TTL_SEC: int(600, 1),
  JOB_TTL_SEC: int(900, 1),
  JOB_LEASE_SEC: int(30, 1),
  PER_HUMAN_DAILY_COUNT: int(3, 1),
  PER_HUMAN_DAILY_CENTS: int(10_000, 100),
  /** The per-human day: 'UTC' or the operator's IANA time zone (e.g. America/Bogota). */
  PER_HUMAN_DAY_TIME_ZONE: DayTimeZoneSchema.default('UTC'),
});

/** The API's settings plus its node-cron schedule (scheduler/cloud-scheduler.ts), parsed together once. */
const FullSchema = EnvSchema.extend(CloudScheduleEnvSchema.shape);
export type CloudConfig = z.infer<typeof FullSchema>;

/** Pure: reads only the given env object. Throws ConfigError naming every bad variable (never its value). */
export function parseCloudConfig(env: Record<string, string | undefined>): CloudConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = FullSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid cloud configuration — fix these environment variables: ${lines.join('; ')}`, {
      cause: parsed.error,
    });
  }
  const cfg = parsed.data;
  // issue 18: without DATABASE_URL each instance silently gets its own PGlite; production must not.
  if (!cfg.DATABASE_URL && (cfg.NODE_ENV === 'production' || cfg.REQUIRE_POSTGRES)) {
    const why = cfg.REQUIRE_POSTGRES ? 'REQUIRE_POSTGRES=1' : 'NODE_ENV=production';
    throw new ConfigError(
      `invalid cloud configuration — ${why} needs DATABASE_URL (postgres://…): without it this instance would keep its own embedded PGlite database, which no other instance sees; unset NODE_ENV only for a one-instance demo`,
    );
  }
  if (cfg.DATABASE_LISTEN_URL && !cfg.DATABASE_URL) {
    throw new ConfigError('invalid cloud configuration — DATABASE_LISTEN_URL is only used with DATABASE_URL; set both or neither');
  }
  if (cfg.WORLD_ID_APP_ID.startsWith('app_staging_') && !cfg.WORLD_ID_ALLOW_STAGING) {
    throw new ConfigError(
      'invalid cloud configuration — WORLD_ID_APP_ID is a staging app (app_staging_…); use the production app id, or set WORLD_ID_ALLOW_STAGING=1 for a demo or test',
    );
  }
  const policyProblems = amountPolicyProblems(amountPolicyOf(cfg), { min_cents: 'MIN_AMOUNT_CENTS', max_cents: 'MAX_AMOUNT_CENTS', fee: 'FEE_FLAT_CENTS/FEE_BPS' });
  if (policyProblems.length) throw new ConfigError(`invalid cloud configuration — ${policyProblems.join('; ')}`);
  if (cfg.PAYMENT_MODE === 'world_app') {
    const missing: string[] = (['DEV_PORTAL_API_KEY', 'PAYMENT_RECIPIENT'] as const).filter((k) => cfg[k] === undefined);
    if (cfg.PAYMENT_TOKEN === 'WLD' && cfg.PAYMENT_WLD_PER_USD_MICRO === 0) missing.push('PAYMENT_WLD_PER_USD_MICRO');
    if (missing.length) {
      throw new ConfigError(`invalid cloud configuration — PAYMENT_MODE=world_app needs ${missing.join(', ')}`);
    }
  }
  return cfg;
}

/**
 * The one source of the limits and fee (contract/amount-rules.ts): POST /v1/transactions checks and
 * quotes with it, and enrolment and every sync answer deliver it (with PAYMENT_MODE, so the screens
 * never say "You pay" when nobody pays) to the kiosk's screen.
 */
export function amountPolicyOf(cfg: CloudConfig): AmountPolicy {
  return {
    min_cents: cfg.MIN_AMOUNT_CENTS, max_cents: cfg.MAX_AMOUNT_CENTS, fee: { flat_cents: cfg.FEE_FLAT_CENTS, bps: cfg.FEE_BPS },
    payment_mode: cfg.PAYMENT_MODE,
    day_time_zone: cfg.PER_HUMAN_DAY_TIME_ZONE,
    ...(cfg.SUPPORT_CONTACT !== undefined ? { support_contact: cfg.SUPPORT_CONTACT } : {}),
  };
}

/** The config with secrets masked, for a start-up log line. */
export function describeConfig(cfg: CloudConfig): Record<string, unknown> {
  const masked = ['OPERATOR_TOKEN', 'WORLD_ID_SIGNING_KEY', 'JOB_SIGNING_KEY', 'DATABASE_URL', 'DATABASE_LISTEN_URL', 'REDIS_URL', 'DEV_PORTAL_API_KEY'] as const;
  const out: Record<string, unknown> = { ...cfg };
  for (const k of masked) if (out[k] !== undefined) out[k] = '[redacted]';
  return out;
}
