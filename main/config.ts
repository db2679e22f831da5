import { z } from 'zod';
import { httpUrl } from '../contract/http-url';
import { join } from 'node:path';
import { amountPolicyProblems, type AmountPolicy } from '../contract/amount-rules';
import { jobKeyId, JobPublicKeyListEnvSchema, type JobPublicKey } from '../contract/job';
import { QUARTER_CENTS } from '../contract/money';
import { CHECKSUM_MODES, type ChecksumMode } from './hardware/cctalk/frame';
import { MAX_COINS_PER_DISPENSE } from './hardware/cctalk/hopper';
import { KioskScheduleEnvSchema, type KioskScheduleConfig } from './sync/kiosk-scheduler';

/**
 * Kiosk configuration, parsed once at start-up from env (ARCHITECTURE.md "Configuration").
 * A bad value fails fast with a message that names the variable. Money in integer cents.
 */

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), httpUrl().optional());

const centsList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'a comma-separated list of whole cents, e.g. 500,1000,2000')
  .transform((s) => s.split(',').map(Number));

/** The kiosk's data folder when KIOSK_DATA_DIR is unset (the technician CLI finds the journal there too). */
export const DEFAULT_KIOSK_DATA_DIR = './.data/kiosk';

const EnvSchema = z.object({
  CLOUD_URL: httpUrl(),
  KIOSK_DATA_DIR: z.string().min(1).default(DEFAULT_KIOSK_DATA_DIR),
  ENROLLMENT_CODE: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(6).max(64).optional()),
  KIOSK_NAME: z.string().min(1).max(100).default('RoluATM kiosk'),
  HOPPER_PORT: z.string().min(1),
  HOPPER_ADDRESS: int(3, 1).refine((n) => n <= 255, 'a ccTalk address is 1..255'),
  HOPPER_BAUD: int(9600, 1),
  // cctalk-hopper.md "Dispense (167)": serial-number form (SUZOHAPP Flow) or the 8-byte NOENCRYPT form (SCH2).
  HOPPER_DISPENSE_FORM: z.enum(['serial', 'cipher8']).default('serial'),
  HOPPER_REPLY_FORM: z.enum(['event_counter', 'ack']).default('event_counter'),
  // A two-wire ccTalk bus hears its own bytes back (cctalk-hopper.md "Line"); off for a four-wire adapter.
  HOPPER_ECHO: z.enum(['on', 'off']).default('on'),
  // ccTalk frames with the 8-bit checksum or CRC-16 (cctalk-hopper.md "Frame"; HOPPERS.md says which byte order).
  HOPPER_CHECKSUM: z.enum(CHECKSUM_MODES).default('simple'),
  // 8-byte form only: send 161 (pump RNG) before 160 (HOPPERS.md: whether SCH builds need it is unknown).
  HOPPER_PUMP_RNG: z.enum(['on', 'off']).default('off'),
  ROLUATM_BUILD: z.string().min(1).max(100).default('dev'),
  UI_HOST: z.string().min(1).default('127.0.0.1'),
  UI_PORT: int(0).refine((n) => n <= 65535, 'a TCP port is 0..65535'),
  /** Browser mode page token (≥ 32 chars); default a random one per start. */
  UI_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'UI_TOKEN is 32 to 128 URL-safe characters').optional(),
  WORLD_ID_BRIDGE_URL: optionalUrl,
  WORLD_ID_ENVIRONMENT: z.enum(['production', 'staging']).default('production'),
  /** Demo and tests only: a staging World ID app, environment and local bridge (docs/SECURITY.md). */
  WORLD_ID_ALLOW_STAGING: z.enum(['0', '1']).default('0'),
  // Fallback only, until the cloud's limits and fee arrive (enrolment/sync; main/kiosk/amount-policy.ts).
  LIMIT_MIN_CENTS: int(100, 1),
  LIMIT_MAX_CENTS: int(5000, 1),
  FEE_FLAT_CENTS: int(0),
  FEE_BPS: int(0).refine((n) => n <= 10_000, 'basis points are 0..10000'),
  // The kiosk's own setting: presets outside the cloud's limits are not offered.
  PRESETS_CENTS: centsList.default([500, 1000, 2000]),
  QR_TIMEOUT_SEC: int(120, 10),
  /** How long the screen waits for the payment after verification before saying so. */
  PAYMENT_TIMEOUT_SEC: int(300, 1),
  /**
   * Issue 15: once a payment is submitted and still being confirmed (mined), the screen says so and waits
   * this long instead; after it the session ends and the confirmed payment becomes a credit in the cloud.
   */
  PAYMENT_CONFIRM_TIMEOUT_SEC: int(600, 1),
  IDLE_TIMEOUT_SEC: int(60, 5),
  /**
   * Issue 16 "Need more time?" on the scan and pay countdowns: seconds one tap adds, and taps per step
   * (main/kiosk/step-deadline.ts; never past what the cloud still accepts).
   */
  MORE_TIME_SEC: int(60, 1),
  MORE_TIME_MAX: int(2, 0),
  DEMO_PHONE_URL: optionalUrl,
  INVENTORY_SEED_COINS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Technician PIN (issue 6): hashed into SQLite on the first start only; later changes are ignored.
  ADMIN_PIN: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits').optional()),
  ADMIN_SESSION_SEC: int(300, 30),
  // Job public keys the technician pins on this kiosk, accepted on top of those the cloud announces
  // (docs/SECURITY.md "Job-key rotation"): comma-separated Ed25519 SPKI DER base64.
  JOB_PUBLIC_KEYS: JobPublicKeyListEnvSchema,
});

export interface KioskConfig {
  cloudUrl: string;
  dataDir: string;
  dbPath: string;
  enrollmentCode: string | null;
  kioskName: string;
  hopper: {
    path: string; address: number; baudRate: number; echo: boolean; dispenseForm: 'serial' | 'cipher8'; replyForm: 'event_counter' | 'ack';
    checksum: ChecksumMode; pumpRng: boolean;
  };
  /** Build id stamped at packaging (dist-electron/build-info.json → ROLUATM_BUILD); 'dev' from a checkout. */
  build: string;
  ui: { host: string; port: number; token: string | undefined };
  worldId: { bridgeUrl: string | null; environment: 'production' | 'staging'; allowStaging: boolean };
  /** Limits and fee until the cloud's arrive (the cloud's configuration is the one source). */
  fallbackPolicy: AmountPolicy;
  /** Preset amounts on the amount screen (those outside the cloud's limits are hidden). */
  presetsCents: number[];
  qrTimeoutSec: number;
  paymentTimeoutSec: number;
  /** Issue 15: "confirming your payment" waits this long for a submitted payment (PAYMENT_CONFIRM_TIMEOUT_SEC). */
  paymentConfirmTimeoutSec: number;
  idleTimeoutSec: number;
  /** Issue 16 "Need more time?": seconds per tap and taps per step (MORE_TIME_SEC, MORE_TIME_MAX). */
  moreTime: { stepSec: number; maxPerStep: number };
  demoPhoneUrl: string | null;
  /** Coins to record as loaded when the kiosk has no inventory yet (demo and first install). */
  inventorySeedCoins: number | null;
  logLevel: string;
  /** First-start technician PIN (never logged; hashed into SQLite, then unused). */
  adminPin: string | null;
  /** The admin session closes after this many seconds without a command. */
  adminSessionSec: number;
  /** Job keys pinned by JOB_PUBLIC_KEYS, accepted on top of the cloud's announced set (sync/job-keys.ts). */
  pinnedJobKeys: JobPublicKey[];
  /** node-cron schedule: heartbeat, outbox retention, local transaction expiry (sync/kiosk-scheduler.ts). */
  schedule: KioskScheduleConfig;
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** The kiosk's token and every customer's transaction travel to CLOUD_URL: TLS unless it never leaves the machine. */
function isHttpsOrLoopback(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname));
}

/** Parses the kiosk's env; throws a ConfigError naming every bad variable and what to set instead. */
export function parseKioskConfig(env: Record<string, string | undefined>): KioskConfig {
  const parsed = EnvSchema.extend(KioskScheduleEnvSchema.shape).safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid kiosk configuration — fix these variables: ${lines.join('; ')}`, { cause: parsed.error });
  }
  const e = parsed.data;
  if (!isHttpsOrLoopback(e.CLOUD_URL)) throw new ConfigError('CLOUD_URL: must be https:// (plain http only to 127.0.0.1, ::1 or localhost)');
  const allowStaging = e.WORLD_ID_ALLOW_STAGING === '1';
  if (!allowStaging && e.WORLD_ID_ENVIRONMENT === 'staging') {
    throw new ConfigError('WORLD_ID_ENVIRONMENT: staging needs WORLD_ID_ALLOW_STAGING=1 (demo and tests only)');
  }
  if (!allowStaging && e.WORLD_ID_BRIDGE_URL !== undefined && !e.WORLD_ID_BRIDGE_URL.startsWith('https://')) {
    throw new ConfigError('WORLD_ID_BRIDGE_URL: a plain http bridge needs WORLD_ID_ALLOW_STAGING=1 (demo and tests only)');
  }
  const fallbackPolicy = { min_cents: e.LIMIT_MIN_CENTS, max_cents: e.LIMIT_MAX_CENTS, fee: { flat_cents: e.FEE_FLAT_CENTS, bps: e.FEE_BPS } };
  const policyProblems = amountPolicyProblems(fallbackPolicy, { min_cents: 'LIMIT_MIN_CENTS', max_cents: 'LIMIT_MAX_CENTS', fee: 'FEE_FLAT_CENTS/FEE_BPS' });
  if (policyProblems.length) throw new ConfigError(`invalid kiosk configuration — ${policyProblems.join('; ')}`);
  const maxPayoutCents = MAX_COINS_PER_DISPENSE * QUARTER_CENTS;
  if (e.LIMIT_MAX_CENTS > maxPayoutCents) {
    // one dispense command pays at most 255 coins and the driver does not split payouts
    throw new ConfigError(`LIMIT_MAX_CENTS: at most ${maxPayoutCents} (${MAX_COINS_PER_DISPENSE} coins, what one hopper dispense command can pay)`);
  }
  const badPreset = e.PRESETS_CENTS.find((p) => p % 100 !== 0 || p === 0);
  if (badPreset !== undefined) throw new ConfigError(`PRESETS_CENTS: ${badPreset} is not a whole-dollar amount`);
  return {
    cloudUrl: e.CLOUD_URL.replace(/\/+$/, ''),
    dataDir: e.KIOSK_DATA_DIR,
    dbPath: join(e.KIOSK_DATA_DIR, 'kiosk.sqlite'),
    enrollmentCode: e.ENROLLMENT_CODE ?? null,
    kioskName: e.KIOSK_NAME,
    hopper: {
      path: e.HOPPER_PORT, address: e.HOPPER_ADDRESS, baudRate: e.HOPPER_BAUD,
      echo: e.HOPPER_ECHO === 'on', dispenseForm: e.HOPPER_DISPENSE_FORM, replyForm: e.HOPPER_REPLY_FORM,
      checksum: e.HOPPER_CHECKSUM, pumpRng: e.HOPPER_PUMP_RNG === 'on',
    },
    build: e.ROLUATM_BUILD,
    ui: { host: e.UI_HOST, port: e.UI_PORT, token: e.UI_TOKEN },
    worldId: { bridgeUrl: e.WORLD_ID_BRIDGE_URL ?? null, environment: e.WORLD_ID_ENVIRONMENT, allowStaging },
    fallbackPolicy,
    presetsCents: e.PRESETS_CENTS,
    qrTimeoutSec: e.QR_TIMEOUT_SEC,
    paymentTimeoutSec: e.PAYMENT_TIMEOUT_SEC,
    paymentConfirmTimeoutSec: e.PAYMENT_CONFIRM_TIMEOUT_SEC,
    idleTimeoutSec: e.IDLE_TIMEOUT_SEC,
    moreTime: { stepSec: e.MORE_TIME_SEC, maxPerStep: e.MORE_TIME_MAX },
    demoPhoneUrl: e.DEMO_PHONE_URL ?? null,
    inventorySeedCoins: e.INVENTORY_SEED_COINS ?? null,
    logLevel: e.LOG_LEVEL,
    adminPin: e.ADMIN_PIN ?? null,
    adminSessionSec: e.ADMIN_SESSION_SEC,
    pinnedJobKeys: e.JOB_PUBLIC_KEYS.map((k) => ({ kid: jobKeyId(k) ?? '', public_key: k })),
    schedule: KioskScheduleEnvSchema.parse(e),
  };
}
