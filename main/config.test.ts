import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jobKeyId } from '../contract/job';
import { parseKioskConfig } from './config';

const base = { CLOUD_URL: 'http://127.0.0.1:8080/', HOPPER_PORT: '/dev/ttyUSB0' };

describe('parseKioskConfig', () => {
  it('fills the documented defaults', () => {
    const c = parseKioskConfig(base);
    expect(c.cloudUrl).toBe('http://127.0.0.1:8080');
    expect(c.dbPath).toMatch(/\.data\/kiosk\/kiosk\.sqlite$/);
    expect(c.hopper).toEqual({ path: '/dev/ttyUSB0', address: 3, baudRate: 9600, echo: true, dispenseForm: 'serial', replyForm: 'event_counter', checksum: 'simple', pumpRng: false });
    expect(c.fallbackPolicy).toEqual({ min_cents: 100, max_cents: 5000, fee: { flat_cents: 0, bps: 0 } });
    expect(c.presetsCents).toEqual([500, 1000, 2000]);
    expect(c.qrTimeoutSec).toBe(120);
    expect(c.enrollmentCode).toBeNull();
  });

  it('pins the job keys of JOB_PUBLIC_KEYS with their key ids, and names it when one is not an Ed25519 public key', () => {
    const pub = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(parseKioskConfig(base).pinnedJobKeys).toEqual([]);
    expect(parseKioskConfig({ ...base, JOB_PUBLIC_KEYS: pub }).pinnedJobKeys).toEqual([{ kid: jobKeyId(pub), public_key: pub }]);
    expect(() => parseKioskConfig({ ...base, JOB_PUBLIC_KEYS: `${pub},AAAA` })).toThrow(/JOB_PUBLIC_KEYS/);
  });

  it('names the bad variable when a value is wrong', () => {
    expect(() => parseKioskConfig({ ...base, CLOUD_URL: 'not a url' })).toThrow(/CLOUD_URL/);
    expect(() => parseKioskConfig({ ...base, HOPPER_ADDRESS: '300' })).toThrow(/HOPPER_ADDRESS/);
    expect(() => parseKioskConfig({ ...base, PRESETS_CENTS: '500,abc' })).toThrow(/PRESETS_CENTS/);
    expect(() => parseKioskConfig({ CLOUD_URL: base.CLOUD_URL })).toThrow(/HOPPER_PORT/);
  });

  it('refuses presets and limits that are not whole dollars; presets above the limits wait for the cloud limits', () => {
    expect(() => parseKioskConfig({ ...base, PRESETS_CENTS: '950' })).toThrow(/PRESETS_CENTS/);
    expect(parseKioskConfig({ ...base, PRESETS_CENTS: '9900' }).presetsCents).toEqual([9900]);
    expect(() => parseKioskConfig({ ...base, LIMIT_MIN_CENTS: '150' })).toThrow(/LIMIT_MIN_CENTS/);
    expect(() => parseKioskConfig({ ...base, LIMIT_MIN_CENTS: '6000' })).toThrow(/LIMIT_MIN_CENTS: must not exceed/);
  });

  it.each([
    ['CLOUD_URL', 'localhost:8080'],
    ['CLOUD_URL', 'ws://127.0.0.1:8080'],
    ['WORLD_ID_BRIDGE_URL', '127.0.0.1:4100'],
    ['DEMO_PHONE_URL', 'file:///tmp/phone'],
  ])('refuses %s=%s as not an http(s) URL, naming the variable', (name, value) => {
    expect(() => parseKioskConfig({ ...base, [name]: value })).toThrow(new RegExp(`${name}: must be an http:// or https:// URL`));
  });

  it('refuses a plain-http CLOUD_URL unless it is loopback', () => {
    expect(() => parseKioskConfig({ ...base, CLOUD_URL: 'http://cloud.example.com' })).toThrow(/CLOUD_URL.*https/);
    expect(() => parseKioskConfig({ ...base, CLOUD_URL: 'http://10.0.0.5:8080' })).toThrow(/CLOUD_URL/);
    expect(() => parseKioskConfig({ ...base, CLOUD_URL: 'ftp://127.0.0.1' })).toThrow(/CLOUD_URL/);
    for (const ok of ['https://cloud.example.com', 'http://localhost:8080', 'http://[::1]:8080', 'http://127.0.0.1']) {
      expect(parseKioskConfig({ ...base, CLOUD_URL: ok }).cloudUrl).toBe(ok);
    }
  });

  it('takes a staging World ID environment or a plain-http bridge only with WORLD_ID_ALLOW_STAGING=1', () => {
    expect(() => parseKioskConfig({ ...base, WORLD_ID_ENVIRONMENT: 'staging' })).toThrow(/WORLD_ID_ALLOW_STAGING=1/);
    expect(() => parseKioskConfig({ ...base, WORLD_ID_BRIDGE_URL: 'http://127.0.0.1:4000' })).toThrow(/WORLD_ID_ALLOW_STAGING=1/);
    const demo = parseKioskConfig({ ...base, WORLD_ID_ENVIRONMENT: 'staging', WORLD_ID_BRIDGE_URL: 'http://127.0.0.1:4000', WORLD_ID_ALLOW_STAGING: '1' });
    expect(demo.worldId).toEqual({ bridgeUrl: 'http://127.0.0.1:4000', environment: 'staging', allowStaging: true });
    expect(parseKioskConfig(base).worldId.allowStaging).toBe(false);
  });
});
