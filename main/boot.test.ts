import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../contract/clock';
import { startHopperOnPty } from '../sim/hopper/pty';
import { bootKiosk, dispenserOptionsFromConfig } from './boot';
import { parseKioskConfig } from './config';
import type { PayoutJournalPort } from './hardware/dispenser';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const base = { CLOUD_URL: 'http://127.0.0.1:9', HOPPER_PORT: '/dev/roluatm-hopper' };
const deps = { journal: {} as PayoutJournalPort, clock: new ManualClock(), log: pino({ level: 'silent' }) };

describe('dispenserOptionsFromConfig', () => {
  it('passes port, address, baud, echo, dispense form and reply form from the env to the ccTalk dispenser', () => {
    const config = parseKioskConfig({
      ...base, HOPPER_ADDRESS: '7', HOPPER_BAUD: '19200', HOPPER_ECHO: 'off', HOPPER_DISPENSE_FORM: 'cipher8', HOPPER_REPLY_FORM: 'ack',
    });
    expect(dispenserOptionsFromConfig(config, deps)).toMatchObject({
      path: '/dev/roluatm-hopper', address: 7, baudRate: 19200, echo: false, dispenseForm: 'cipher8', replyForm: 'ack',
    });
  });

  it('defaults to the serial-number form, event-counter reply and echo on', () => {
    expect(dispenserOptionsFromConfig(parseKioskConfig(base), deps)).toMatchObject({ echo: true, dispenseForm: 'serial', replyForm: 'event_counter' });
  });

  it('refuses an unknown dispense form, reply form or echo setting, naming the variable', () => {
    expect(() => parseKioskConfig({ ...base, HOPPER_DISPENSE_FORM: 'encrypted' })).toThrow(/HOPPER_DISPENSE_FORM/);
    expect(() => parseKioskConfig({ ...base, HOPPER_REPLY_FORM: 'nothing' })).toThrow(/HOPPER_REPLY_FORM/);
    expect(() => parseKioskConfig({ ...base, HOPPER_ECHO: 'yes' })).toThrow(/HOPPER_ECHO/);
  });

  it('passes the checksum mode and the 161-before-160 setting, off by default', () => {
    expect(dispenserOptionsFromConfig(parseKioskConfig(base), deps)).toMatchObject({ checksum: 'simple', pumpRng: false });
    expect(dispenserOptionsFromConfig(parseKioskConfig({ ...base, HOPPER_CHECKSUM: 'crc16', HOPPER_PUMP_RNG: 'on' }), deps)).toMatchObject({ checksum: 'crc16', pumpRng: true });
    expect(() => parseKioskConfig({ ...base, HOPPER_CHECKSUM: 'crc8' })).toThrow(/HOPPER_CHECKSUM/);
  });

  it('refuses LIMIT_MAX_CENTS above what one dispense command can pay (255 quarters)', () => {
    expect(parseKioskConfig({ ...base, LIMIT_MAX_CENTS: '6300' }).hopper).toBeDefined();
    expect(() => parseKioskConfig({ ...base, LIMIT_MAX_CENTS: '6400' })).toThrow(/LIMIT_MAX_CENTS: at most 6375 \(255 coins/);
  });

  it('carries the packaging build id, or "dev" from a checkout', () => {
    expect(parseKioskConfig(base).build).toBe('dev');
    expect(parseKioskConfig({ ...base, ROLUATM_BUILD: '0.1.0+20261125.abc1234' }).build).toBe('0.1.0+20261125.abc1234');
  });
});

describe('bootKiosk', () => {
  function dataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'roluatm-boot-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  it('opens a hopper at a non-default address without echo, as the env says, and stops cleanly', async () => {
    const hopper = await startHopperOnPty({ address: 7, echo: false, coins: 50 });
    cleanups.push(() => hopper.stop());
    const kiosk = await bootKiosk({
      ...base, KIOSK_DATA_DIR: dataDir(), HOPPER_PORT: hopper.devicePath, HOPPER_ADDRESS: '7', HOPPER_ECHO: 'off', LOG_LEVEL: 'silent',
    });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await kiosk.stop();
    });
    const state = await kiosk.api.getState({});
    expect(state.ok && state.value.hopper).toMatchObject({ connected: true, ok: true, serial: 345678 });
    expect(kiosk.config.hopper.address).toBe(7);
    await kiosk.stop();
    stopped = true;
  });

  it('fails with config_invalid before touching the disk when the env is wrong', async () => {
    const dir = join(dataDir(), 'never-created');
    await expect(bootKiosk({ ...base, KIOSK_DATA_DIR: dir, HOPPER_DISPENSE_FORM: 'x' })).rejects.toMatchObject({ code: 'config_invalid' });
    expect(existsSync(dir)).toBe(false);
  });
});
