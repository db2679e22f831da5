import { afterEach, describe, expect, it } from 'vitest';
import { SerialPortMock } from 'serialport';
import { HopperSimulator } from '../../../sim/hopper/simulator';
import type { HopperSimOptions } from '../../../sim/hopper/sim-types';
import { createMockHopperPort } from '../../../sim/hopper/mock-binding';
import { fromHex, toHex } from './frame';
import { CcTalkHopper, nextEventCounter } from './hopper';
import { CcTalkTransport } from './transport';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function open(simOpts: HopperSimOptions = {}) {
  const port = new SerialPortMock({ path: createMockHopperPort(true), baudRate: 9600 });
  await new Promise<void>((resolve, reject) => port.on('open', resolve).on('error', reject));
  const sim = new HopperSimulator({ echo: false, coinsPerSecond: 500, ...simOpts });
  sim.attachMockPort(port.port!);
  const transport = new CcTalkTransport(port, { replyTimeoutMs: 80, retryDelayMs: 5 });
  cleanups.push(() => sim.stop(), () => transport.close(), () => new Promise((r) => port.close(() => r(undefined))));
  return { port, sim, hopper: new CcTalkHopper(transport) };
}

async function until(pred: () => Promise<boolean> | boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('CcTalkHopper commands', () => {
  it('reads identity strings and the 3-byte serial least significant first', async () => {
    const { hopper } = await open({ serial: 0x0ad7df, manufacturer: 'SUZOHAPP', product: 'Flow' });
    expect(await hopper.identify()).toEqual({ manufacturer: 'SUZOHAPP', category: 'Payout', product: 'Flow', serial: 0x0ad7df, software: 'sim-1.0' });
  });

  it('sends the documented serial-form dispense bytes and returns the event counter', async () => {
    const { hopper, port } = await open({ serial: 0x0ad7df });
    await hopper.enable();
    expect(await hopper.dispense(1, { kind: 'serial', serial: 0x0ad7df, replyForm: 'event_counter' })).toBe(1);
    expect(toHex(port.port!.lastWrite!)).toBe('03 04 01 A7 DF D7 0A 01 90');
  });

  it('sends 160 before the documented 8-byte dispense and accepts an ACK reply form', async () => {
    const { hopper, port, sim } = await open({ dispenseForm: 'cipher8', replyForm: 'ack' });
    await hopper.enable();
    expect(await hopper.dispense(5, { kind: 'cipher8', replyForm: 'ack' })).toBeNull();
    expect(toHex(port.port!.lastWrite!)).toBe('03 09 01 A7 00 00 00 00 00 00 00 00 05 47');
    await until(() => sim.coinsOut === 5);
  });

  it('counts a payout down in the status and up in the dispense count', async () => {
    const { hopper, sim } = await open({ coinsPerSecond: 200 });
    const before = await hopper.dispenseCount();
    await hopper.enable();
    await hopper.dispense(4, { kind: 'serial', serial: 345678, replyForm: 'event_counter' });
    await until(async () => (await hopper.status()).remaining === 0);
    expect(await hopper.status()).toEqual({ eventCounter: 1, remaining: 0, paid: 4, unpaid: 0 });
    expect((await hopper.dispenseCount()) - before).toBe(4);
    expect(sim.coinsOut).toBe(4);
  });

  it('reports a jam and an empty bowl as test-hopper flags', async () => {
    const { hopper, sim } = await open({ faults: { jamAfterCoins: 1 } });
    await hopper.enable();
    await hopper.dispense(3, { kind: 'serial', serial: 345678, replyForm: 'event_counter' });
    await until(async () => (await hopper.status()).remaining === 0);
    expect((await hopper.test()).flags).toEqual(expect.arrayContaining(['max_current', 'power_up']));
    expect(await hopper.status()).toMatchObject({ paid: 1, unpaid: 2 });
    await hopper.reset();
    sim.faults.empty = true;
    await hopper.enable();
    await hopper.dispense(2, { kind: 'serial', serial: 345678, replyForm: 'event_counter' });
    await until(async () => (await hopper.status()).remaining === 0);
    expect((await hopper.test()).flags).toEqual(['payout_timeout']);
  });

  it('is disabled after a reset, and a disabled hopper refuses to dispense', async () => {
    const { hopper } = await open();
    await hopper.enable();
    await hopper.reset();
    expect((await hopper.test()).flags).toContain('payout_disabled');
    await expect(hopper.dispense(1, { kind: 'serial', serial: 345678, replyForm: 'event_counter' })).rejects.toMatchObject({ code: 'nak' });
  });

  it('stops the motor on emergency stop and reports the coins left', async () => {
    const { hopper, sim } = await open({ coinsPerSecond: 20 });
    await hopper.enable();
    await hopper.dispense(10, { kind: 'serial', serial: 345678, replyForm: 'event_counter' });
    const left = await hopper.emergencyStop();
    expect(left).toBeGreaterThan(0);
    const s = await hopper.status();
    expect(s).toMatchObject({ remaining: 0, unpaid: left });
    expect(sim.coinsOut).toBe(10 - left);
  });

  it('decodes the documented high/low status byte', async () => {
    const { hopper } = await open({ inventory: 5, lowLevel: 20 });
    expect(await hopper.highLow()).toEqual({ belowLow: true, atOrAboveHigh: false, lowSensorFitted: true, highSensorFitted: false });
  });

  it('rejects a reply with the wrong shape as bad_reply', async () => {
    const port = new SerialPortMock({ path: createMockHopperPort(false), baudRate: 9600 });
    await new Promise<void>((resolve) => port.on('open', resolve));
    const transport = new CcTalkTransport(port, { echo: false, replyTimeoutMs: 100 });
    cleanups.push(() => transport.close(), () => new Promise((r) => port.close(() => r(undefined))));
    const pending = new CcTalkHopper(transport).status();
    await until(() => !!port.port?.lastWrite);
    port.port!.emitData(fromHex('01 01 03 00 02 F9'));
    await expect(pending).rejects.toMatchObject({ code: 'bad_reply' });
  });

  it('wraps the event counter from 255 to 1, never to 0', () => {
    expect([0, 1, 254, 255].map(nextEventCounter)).toEqual([1, 2, 255, 1]);
  });
});
