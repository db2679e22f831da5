import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { amountPolicyOf, ConfigError, describeConfig, parseCloudConfig } from './config';
import { testEnv } from './testing/harness';

describe('parseCloudConfig', () => {
  it('applies the documented defaults', () => {
    const env = testEnv();
    delete env.PORT;
    delete env.DEV_PORTAL_BASE_URL;
    const c = parseCloudConfig({ ...env, PAYMENT_MODE: 'none' });
    expect(c).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
      DATA_DIR: './.data/cloud',
      PAYMENT_MODE: 'none',
      DEV_PORTAL_BASE_URL: 'https://developer.world.org',
      MINIAPP_BASE_URL: 'https://world.org/mini-app',
      FEE_FLAT_CENTS: 0,
      FEE_BPS: 0,
      MIN_AMOUNT_CENTS: 100,
      MAX_AMOUNT_CENTS: 5000,
      TRANSACTION_TTL_SEC: 600,
      JOB_TTL_SEC: 900,
      JOB_LEASE_SEC: 30,
      PER_HUMAN_DAILY_COUNT: 3,
      PER_HUMAN_DAILY_CENTS: 10000,
    });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('reads the announced job keys, and names JOB_ANNOUNCED_PUBLIC_KEYS when one is not an Ed25519 public key', () => {
    const pub = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(parseCloudConfig(testEnv()).JOB_ANNOUNCED_PUBLIC_KEYS).toEqual([]);
    expect(parseCloudConfig(testEnv({ JOB_ANNOUNCED_PUBLIC_KEYS: ` ${pub} ` })).JOB_ANNOUNCED_PUBLIC_KEYS).toEqual([pub]);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    for (const bad of [rsa, 'not-base64!', `${pub},x`]) {
      expect(() => parseCloudConfig(testEnv({ JOB_ANNOUNCED_PUBLIC_KEYS: bad }))).toThrow(/JOB_ANNOUNCED_PUBLIC_KEYS/);
    }
  });

  it('has no daily cash cap unless one is set, and refuses a cap below one dollar', () => {
    const c = parseCloudConfig(testEnv());
    expect([c.KIOSK_DAILY_CAP_CENTS, c.FLEET_DAILY_CAP_CENTS]).toEqual([undefined, undefined]);
    const set = parseCloudConfig(testEnv({ KIOSK_DAILY_CAP_CENTS: '20000', FLEET_DAILY_CAP_CENTS: '100000' }));
    expect([set.KIOSK_DAILY_CAP_CENTS, set.FLEET_DAILY_CAP_CENTS]).toEqual([20000, 100000]);
    expect(() => parseCloudConfig(testEnv({ KIOSK_DAILY_CAP_CENTS: '50' }))).toThrow(/KIOSK_DAILY_CAP_CENTS/);
    expect(() => parseCloudConfig(testEnv({ FLEET_DAILY_CAP_CENTS: 'lots' }))).toThrow(/FLEET_DAILY_CAP_CENTS/);
  });

  it('names a missing or short operator token without echoing it', () => {
    expect(() => parseCloudConfig({ ...testEnv(), OPERATOR_TOKEN: 'short-secret' })).toThrow(/OPERATOR_TOKEN/);
    try {
      parseCloudConfig({ ...testEnv(), OPERATOR_TOKEN: 'short-secret' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).not.toContain('short-secret');
    }
  });

  it('refuses world_app payments without an API key and recipient, and masks the API key', () => {
    expect(() => parseCloudConfig({ ...testEnv(), PAYMENT_MODE: 'world_app' })).toThrow(/DEV_PORTAL_API_KEY, PAYMENT_RECIPIENT/);
    expect(() => parseCloudConfig({ ...testEnv(), PAYMENT_MODE: 'cash' })).toThrow(/PAYMENT_MODE/);
    const env = testEnv({ PAYMENT_MODE: 'world_app', DEV_PORTAL_API_KEY: 'api_secret_key_123', PAYMENT_RECIPIENT: '0x' + 'ab'.repeat(20) });
    const c = parseCloudConfig(env);
    expect(c).toMatchObject({ PAYMENT_MODE: 'world_app', PAYMENT_TOKEN: 'USDC' });
    expect(JSON.stringify(describeConfig(c))).not.toContain('api_secret_key_123');
    expect(() => parseCloudConfig({ ...env, PAYMENT_TOKEN: 'WLD' })).toThrow(/PAYMENT_WLD_PER_USD_MICRO/);
  });

  it('refuses a job signing key that is not an Ed25519 PKCS8 key', () => {
    expect(() => parseCloudConfig({ ...testEnv(), JOB_SIGNING_KEY: Buffer.from('nope').toString('base64') })).toThrow(/JOB_SIGNING_KEY/);
  });

  it('refuses non-numeric numbers and a minimum above the maximum', () => {
    expect(() => parseCloudConfig({ ...testEnv(), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseCloudConfig({ ...testEnv(), MIN_AMOUNT_CENTS: '6000' })).toThrow(/MIN_AMOUNT_CENTS/);
    expect(() => parseCloudConfig({ ...testEnv(), MAX_AMOUNT_CENTS: '2550' })).toThrow(/MAX_AMOUNT_CENTS: must be whole dollars/);
  });

  it('masks every secret when describing the config', () => {
    const env = testEnv({ DATABASE_URL: 'postgres://u:pw@h/db' });
    const shown = JSON.stringify(describeConfig(parseCloudConfig(env)));
    for (const secret of [env.OPERATOR_TOKEN, env.JOB_SIGNING_KEY, env.WORLD_ID_SIGNING_KEY, 'pw@h']) {
      expect(shown).not.toContain(secret);
    }
  });

  // Each value below passes a looser check but fails the first cash-out (idkit-core 4.3 / idkit-server).
  it.each([
    ['WORLD_ID_RP_ID', 'rp_roluatm', /WORLD_ID_RP_ID: must be rp_ then 1 to 16 hex digits/],
    ['WORLD_ID_RP_ID', 'rp_' + 'a'.repeat(17), /WORLD_ID_RP_ID/],
    ['WORLD_ID_RP_ID', '1234567890abcdef', /WORLD_ID_RP_ID/],
    ['WORLD_ID_APP_ID', 'staging_roluatm', /WORLD_ID_APP_ID: must be the Developer Portal app id/],
    ['WORLD_ID_APP_ID', 'app_ with space', /WORLD_ID_APP_ID/],
    ['WORLD_ID_SIGNING_KEY', '11'.repeat(31), /WORLD_ID_SIGNING_KEY: must be the RP signing key/],
    ['WORLD_ID_SIGNING_KEY', '00'.repeat(32), /WORLD_ID_SIGNING_KEY/],
    ['WORLD_ID_SIGNING_KEY', 'ff'.repeat(32), /WORLD_ID_SIGNING_KEY/],
    ['WORLD_ID_ACTION', ' roluatm-cash-out', /WORLD_ID_ACTION/],
    ['DEV_PORTAL_BASE_URL', 'localhost:8080', /DEV_PORTAL_BASE_URL: must be an http:\/\/ or https:\/\/ URL/],
    ['DEV_PORTAL_BASE_URL', 'developer.world.org', /DEV_PORTAL_BASE_URL/],
    ['MINIAPP_BASE_URL', 'ftp://world.org/mini-app', /MINIAPP_BASE_URL/],
    ['DATABASE_URL', 'mysql://u:secret-pw@h/db', /DATABASE_URL: must be a postgres:\/\/ connection string/],
  ])('refuses %s=%s, naming the variable and not echoing the value', (name, value, expected) => {
    let thrown: unknown;
    try {
      parseCloudConfig({ ...testEnv(), [name]: value });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(expected);
    if (name === 'DATABASE_URL') expect((thrown as Error).message).not.toContain('secret-pw');
  });

  it('accepts the forms the Developer Portal gives', () => {
    const c = parseCloudConfig({
      ...testEnv(),
      WORLD_ID_RP_ID: 'rp_00000000000000ff',
      WORLD_ID_APP_ID: 'app_0123456789abcdef0123456789abcdef',
      WORLD_ID_SIGNING_KEY: '0x' + '11'.repeat(32),
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
    });
    expect(c).toMatchObject({ WORLD_ID_RP_ID: 'rp_00000000000000ff', WORLD_ID_APP_ID: 'app_0123456789abcdef0123456789abcdef' });
  });

  it('refuses a staging World ID app unless WORLD_ID_ALLOW_STAGING=1, and reads WORLD_ID_ACCEPT_LEGACY', () => {
    const staging = { ...testEnv(), WORLD_ID_APP_ID: 'app_staging_abc', WORLD_ID_ALLOW_STAGING: '0' };
    expect(() => parseCloudConfig(staging)).toThrow(/WORLD_ID_APP_ID.*WORLD_ID_ALLOW_STAGING=1/);
    expect(parseCloudConfig({ ...staging, WORLD_ID_ALLOW_STAGING: '1' }).WORLD_ID_ALLOW_STAGING).toBe(true);
    const prod = parseCloudConfig({ ...testEnv(), WORLD_ID_APP_ID: 'app_0123abcd', WORLD_ID_ALLOW_STAGING: '0' });
    expect(prod).toMatchObject({ WORLD_ID_ALLOW_STAGING: false, WORLD_ID_ACCEPT_LEGACY: true });
    expect(parseCloudConfig({ ...testEnv(), WORLD_ID_ACCEPT_LEGACY: '0' }).WORLD_ID_ACCEPT_LEGACY).toBe(false);
  });

  it('refuses production (NODE_ENV=production or REQUIRE_POSTGRES=1) without DATABASE_URL, naming it, and reads the pool settings', () => {
    expect(() => parseCloudConfig({ ...testEnv(), NODE_ENV: 'production' })).toThrow(/NODE_ENV=production needs DATABASE_URL/);
    expect(() => parseCloudConfig({ ...testEnv(), REQUIRE_POSTGRES: '1' })).toThrow(/REQUIRE_POSTGRES=1 needs DATABASE_URL/);
    expect(() => parseCloudConfig({ ...testEnv(), DATABASE_LISTEN_URL: 'postgres://db:5432/x' })).toThrow(/DATABASE_LISTEN_URL is only used with DATABASE_URL/);
    const c = parseCloudConfig({
      ...testEnv(), NODE_ENV: 'production', DATABASE_URL: 'postgres://pooler:6432/roluatm', DATABASE_LISTEN_URL: 'postgres://db:5432/roluatm',
      DATABASE_POOL_MAX: '40', DATABASE_STATEMENT_TIMEOUT_MS: '5000', REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(c).toMatchObject({ DATABASE_POOL_MAX: 40, DATABASE_STATEMENT_TIMEOUT_MS: 5000, LAST_SEEN_WRITE_SEC: 60 });
    expect(describeConfig(c)).toMatchObject({ DATABASE_LISTEN_URL: '[redacted]', REDIS_URL: '[redacted]' });
    expect(parseCloudConfig(testEnv())).toMatchObject({ DATABASE_POOL_MAX: 10, DATABASE_STATEMENT_TIMEOUT_MS: 15_000, REQUIRE_POSTGRES: false });
  });

  it('refuses to start without PAYMENT_MODE and names it', () => {
    const env: Record<string, string | undefined> = { ...testEnv(), PAYMENT_MODE: undefined };
    expect(() => parseCloudConfig(env)).toThrow(/PAYMENT_MODE: required: set none .* or world_app/);
    expect(() => parseCloudConfig({ ...env, PAYMENT_MODE: '' })).toThrow(/PAYMENT_MODE/);
  });

  it('delivers SUPPORT_CONTACT to the kiosk screens with the amount policy, and nothing when unset (issue 16)', () => {
    const withContact = parseCloudConfig({ ...testEnv(), PAYMENT_MODE: 'none', SUPPORT_CONTACT: '  +1 555 0100  ' });
    expect(amountPolicyOf(withContact).support_contact).toBe('+1 555 0100');
    expect(amountPolicyOf(parseCloudConfig({ ...testEnv(), PAYMENT_MODE: 'none' }))).not.toHaveProperty('support_contact');
    expect(() => parseCloudConfig({ ...testEnv(), PAYMENT_MODE: 'none', SUPPORT_CONTACT: 'x'.repeat(121) })).toThrow(/SUPPORT_CONTACT/);
  });

  it("delivers the day's zone (PER_HUMAN_DAY_TIME_ZONE) with the amount policy, for the error screen's 'resets at'", () => {
    expect(amountPolicyOf(parseCloudConfig({ ...testEnv(), PAYMENT_MODE: 'none' })).day_time_zone).toBe('UTC');
    expect(amountPolicyOf(parseCloudConfig({ ...testEnv(), PAYMENT_MODE: 'none', PER_HUMAN_DAY_TIME_ZONE: 'America/Bogota' })).day_time_zone).toBe('America/Bogota');
    expect(() => parseCloudConfig({ ...testEnv(), PAYMENT_MODE: 'none', PER_HUMAN_DAY_TIME_ZONE: 'Mars/Olympus' })).toThrow(/PER_HUMAN_DAY_TIME_ZONE/);
  });
});
