import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, fromHex, toHex } from '../../main/hardware/cctalk/frame';
import { HopperSimulator } from './simulator';
import type { HopperSimOptions } from './sim-types';

/** A wire the test plays host on: what the simulator sends is collected in `rx`. */
class Wire extends EventEmitter {
  rx: Buffer[] = [];
  write(b: Buffer): boolean {
    this.rx.push(Buffer.from(b));
    return true;
  }
  hex(): string {
    return toHex(Buffer.concat(this.rx));
  }
}

const sims: HopperSimulator[] = [];
afterEach(() => sims.splice(0).forEach((s) => s.stop()));

function start(opts: HopperSimOptions = {}) {
  const t = { ms: 0 };
  const sim = new HopperSimulator({ coinsPerSecond: 500, replyDelayMs: 1, now: () => t.ms, ...opts });
  sims.push(sim);
  const wire = new Wire();
  sim.attach(wire);
  const send = async (hex: string, waitMs = 15) => {
    wire.rx = [];
    wire.emit('data', fromHex(hex));
    await new Promise((r) => setTimeout(r, waitMs));
    return wire.hex();
  };
  return { sim, wire, send, t };
}

/** A host → hopper 3 frame as hex (8-bit checksum). */
const cmd = (header: number, ...data: number[]) => toHex(encodeFrame({ dest: 3, src: 1, header, data: Uint8Array.from(data) }));
const pay = (n: number) => cmd(167, 0x4e, 0x46, 0x05, n); // serial 345678

const until = async (pred: () => boolean) => {
  for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(pred()).toBe(true);
};

describe('HopperSimulator', () => {
  it('echoes the poll and answers with the documented ACK', async () => {
    const { send } = start();
    expect(await send('03 00 01 FE FE')).toBe('03 00 01 FE FE 01 00 03 00 FC');
  });

  it('answers the documented serial and category requests byte for byte', async () => {
    const { send } = start({ echo: false });
    expect(await send('03 00 01 F2 0A')).toBe('01 03 03 00 4E 46 05 60');
    expect(await send('03 00 01 F5 07')).toBe('01 06 03 00 50 61 79 6F 75 74 74');
  });

  it('stays silent (echo only) on a bad checksum, another address and an unknown header', async () => {
    const { send } = start();
    expect(await send('03 00 01 FE FF')).toBe('03 00 01 FE FF');
    expect(await send('04 00 01 FE FD')).toBe('04 00 01 FE FD');
    expect(await send('03 00 01 C8 34')).toBe('03 00 01 C8 34');
  });

  it('drops a partial command after a 50 ms gap between bytes', async () => {
    const { send, t } = start({ echo: false });
    expect(await send('03 00 01')).toBe('');
    t.ms = 51;
    expect(await send('FE FE')).toBe('');
    t.ms = 52;
    expect(await send('03 00 01 FE FE')).toBe('01 00 03 00 FC');
  });

  it('reports the documented "emptied early" status after running out of coins', async () => {
    const { sim, send } = start({ echo: false, inventory: 3, serial: 0x0ad7df });
    await send('03 01 01 A4 A5 B2');
    await send('03 04 01 A7 DF D7 0A 05 8C');
    await until(() => !sim.paying);
    expect(await send('03 00 01 A6 56')).toBe('01 04 03 00 01 00 03 02 F2');
    expect(sim.coinsOut).toBe(3);
  });

  it('counts events from 1 and wraps 255 to 1, never 0', async () => {
    const { sim, send } = start({ echo: false, serial: 0x0ad7df });
    await send('03 01 01 A4 A5 B2');
    sim.eventCounter = 255;
    expect(await send('03 04 01 A7 DF D7 0A 01 90')).toBe('01 01 03 00 01 FA');
  });

  it('keeps the dispense count and last payout in EEPROM across a power cycle, and comes back disabled', async () => {
    const { sim, send } = start({ echo: false, coinsPerSecond: 200, faults: { powerCycleMidPayout: { afterCoins: 2, offMs: 30 } } });
    await send('03 01 01 A4 A5 B2');
    await send(pay(5));
    await until(() => !sim.powered);
    expect(await send('03 00 01 FE FE', 5)).toBe('');
    await until(() => sim.powered);
    expect(await send('03 00 01 A6 56')).toBe('01 04 03 00 00 00 02 03 F3');
    expect(await send('03 00 01 A8 54')).toBe('01 03 03 00 02 00 00 F7');
    expect(await send(pay(1))).toBe('01 00 03 05 F7');
    expect(sim.coinsOut).toBe(2);
  });

  it('stops the motor on emergency stop and needs enabling again', async () => {
    const { sim, send } = start({ echo: false, coinsPerSecond: 10 });
    await send('03 01 01 A4 A5 B2');
    await send(pay(5), 1);
    const reply = fromHex(await send('03 00 01 AC 50', 5));
    expect(reply[4]).toBeGreaterThan(0);
    expect(sim.enabled).toBe(false);
    expect(sim.coinsOut).toBe(5 - reply[4]!);
  });

  it('corrupts, garbles and delays replies when its fault hooks say so', async () => {
    const { sim, send, wire } = start({ echo: false });
    sim.faults.corruptChecksum = 1;
    expect(await send('03 00 01 FE FE')).toBe('01 00 03 00 FD');
    sim.faults.sendGarbage = 3;
    expect(await send('03 00 01 FE FE')).toBe('FF 13 37 01 00 03 00 FC');
    sim.faults.answerLateMs = 40;
    expect(await send('03 00 01 FE FE', 20)).toBe('');
    await until(() => wire.hex() === '01 00 03 00 FC');
  });
});
