import { z } from 'zod';
import { CcTalkError } from './errors';
import type { Frame } from './frame';
import { type CcTalkTransport, DISPENSE_HEADER } from './transport';

/** Header numbers (cctalk-hopper.md "Headers a hopper driver uses"). */
export const H = {
  reset: 1,
  requestCipherKey: 160,
  pumpRng: 161,
  testHopper: 163,
  enableHopper: 164,
  hopperStatus: 166,
  dispense: DISPENSE_HEADER,
  dispenseCount: 168,
  emergencyStop: 172,
  highLow: 217,
  softwareRevision: 241,
  serialNumber: 242,
  productCode: 244,
  equipmentCategory: 245,
  manufacturer: 246,
  simplePoll: 254,
} as const;

export interface HopperStatus {
  eventCounter: number;
  remaining: number;
  paid: number;
  unpaid: number;
}

/** Test hopper (163) register 1, one name per bit. */
export type HopperFlag =
  | 'max_current' // b0: jam
  | 'payout_timeout' // b1: usually empty
  | 'motor_reversed' // b2
  | 'opto_blocked_idle' // b3
  | 'opto_short_idle' // b4
  | 'opto_blocked_payout' // b5
  | 'power_up' // b6
  | 'payout_disabled'; // b7
const FLAG_BITS: HopperFlag[] = ['max_current', 'payout_timeout', 'motor_reversed', 'opto_blocked_idle', 'opto_short_idle', 'opto_blocked_payout', 'power_up', 'payout_disabled'];

export interface HopperTest {
  registers: number[];
  flags: HopperFlag[];
}

export interface HighLowStatus {
  belowLow: boolean;
  atOrAboveHigh: boolean;
  lowSensorFitted: boolean;
  highSensorFitted: boolean;
}

export type DispenseForm = 'serial' | 'cipher8';

/** One 167 pays at most this many coins (its N is one byte); a larger payout would need splitting. */
export const MAX_COINS_PER_DISPENSE = 255;
export type DispenseReplyForm = 'event_counter' | 'ack';

const bytes = (n: number, what: string) =>
  z.instanceof(Uint8Array).refine((d) => d.length === n, `${what}: expected ${n} data bytes`);
const ascii = z.instanceof(Uint8Array).transform((d) => Buffer.from(d).toString('latin1').trim());
const testBytes = z.instanceof(Uint8Array).refine((d) => d.length >= 1 && d.length <= 3, 'test hopper: expected 1–3 data bytes');

/**
 * A reply of the wrong shape is, on a working line, the stale answer to an earlier command (ccTalk
 * frames carry no sequence number): the transport is told, so that replies for a while are suspect.
 */
function parse<T>(t: CcTalkTransport, schema: z.ZodType<T>, frame: Frame, what: string): T {
  const r = schema.safeParse(frame.data);
  if (!r.success) {
    t.markSuspect(`${what}: reply of the wrong shape`);
    throw new CcTalkError('bad_reply', `${what} reply has the wrong shape (${r.error.issues[0]?.message}); check the device type and address`);
  }
  return r.data;
}

/** ACK: header 0, no data (cctalk-hopper.md "Frame"). */
const ack = bytes(0, 'ACK');

const le24 = (d: Uint8Array): number => (d[0] ?? 0) | ((d[1] ?? 0) << 8) | ((d[2] ?? 0) << 16);

/** Typed ccTalk hopper commands over one transport. Each method sends exactly one command. */
export class CcTalkHopper {
  constructor(private readonly t: CcTalkTransport) {}

  /** The line under these commands: its anomaly count and `awaitClean`, for deciding what a reply proves. */
  get line(): Pick<CcTalkTransport, 'anomalies' | 'awaitClean' | 'isClean' | 'markSuspect' | 'staleReplyMs' | 'now'> {
    return this.t;
  }

  async simplePoll(): Promise<void> {
    parse(this.t, ack, await this.t.request(H.simplePoll), 'simple poll');
  }

  async identify(): Promise<{ manufacturer: string; category: string; product: string; serial: number; software: string }> {
    const text = async (h: number, what: string) => parse(this.t, ascii, await this.t.request(h), what);
    const manufacturer = await text(H.manufacturer, 'manufacturer');
    const category = await text(H.equipmentCategory, 'equipment category');
    const product = await text(H.productCode, 'product code');
    const serial = await this.serialNumber();
    const software = await text(H.softwareRevision, 'software revision');
    return { manufacturer, category, product, serial, software };
  }

  async serialNumber(): Promise<number> {
    return le24(parse(this.t, bytes(3, 'serial number'), await this.t.request(H.serialNumber), 'serial number'));
  }

  /** 164: `A5` enables, anything else disables (the hopper is disabled after every reset/power-up). */
  async enable(on = true): Promise<void> {
    parse(this.t, ack, await this.t.request(H.enableHopper, [on ? 0xa5 : 0x00]), 'enable hopper');
  }

  async test(): Promise<HopperTest> {
    const d = parse(this.t, testBytes, await this.t.request(H.testHopper), 'test hopper');
    const r1 = d[0] ?? 0;
    return { registers: [...d], flags: FLAG_BITS.filter((_, bit) => (r1 >> bit) & 1) };
  }

  async highLow(): Promise<HighLowStatus> {
    const [b = 0] = parse(this.t, bytes(1, 'high/low status'), await this.t.request(H.highLow), 'high/low status');
    return { belowLow: !!(b & 1), atOrAboveHigh: !!(b & 2), lowSensorFitted: !!(b & 16), highSensorFitted: !!(b & 32) };
  }

  async dispenseCount(): Promise<number> {
    return le24(parse(this.t, bytes(3, 'dispense count'), await this.t.request(H.dispenseCount), 'dispense count'));
  }

  async status(): Promise<HopperStatus> {
    const d = parse(this.t, bytes(4, 'hopper status'), await this.t.request(H.hopperStatus), 'hopper status');
    return { eventCounter: d[0] ?? 0, remaining: d[1] ?? 0, paid: d[2] ?? 0, unpaid: d[3] ?? 0 };
  }

  /** 161: 8 random bytes for the hopper's RNG; ACK. */
  async pumpRng(): Promise<void> {
    const seed = Array.from({ length: 8 }, () => Math.floor(Math.random() * 256));
    parse(this.t, ack, await this.t.request(H.pumpRng, seed), 'pump RNG');
  }

  /** 160: the reply is the 8-byte cipher key (cctalk-hopper.md "Headers"); any other length is refused. */
  async requestCipherKey(): Promise<Uint8Array> {
    return parse(this.t, bytes(8, 'cipher key'), await this.t.request(H.requestCipherKey), 'request cipher key');
  }

  /**
   * 167, sent once (the transport never re-sends it). Serial form: `[serial LSB, mid, MSB, N]`;
   * 8-byte form: `[8 security bytes, N]`, this method sends the required 160 first (NOENCRYPT
   * builds accept any 8 bytes; the encrypted builds' algorithm is secret and out of scope).
   * Resolves with the new event counter (event-counter reply form) or null (ACK form).
   */
  async dispense(coins: number, form: { kind: DispenseForm; serial?: number; replyForm: DispenseReplyForm; pumpRng?: boolean }): Promise<number | null> {
    if (!Number.isInteger(coins) || coins < 1 || coins > MAX_COINS_PER_DISPENSE) throw new RangeError(`dispense takes 1–${MAX_COINS_PER_DISPENSE} coins, got ${coins}`);
    let data: number[];
    if (form.kind === 'serial') {
      const s = form.serial ?? 0;
      data = [s & 0xff, (s >> 8) & 0xff, (s >> 16) & 0xff, coins];
    } else {
      if (form.pumpRng) await this.pumpRng(); // HOPPER_PUMP_RNG: builds that may want 161 before 160 (HOPPERS.md)
      await this.requestCipherKey();
      data = [0, 0, 0, 0, 0, 0, 0, 0, coins];
    }
    const reply = await this.t.request(H.dispense, data);
    if (form.replyForm === 'ack') {
      parse(this.t, ack, reply, 'dispense');
      return null;
    }
    return parse(this.t, bytes(1, 'dispense'), reply, 'dispense')[0] ?? 0;
  }

  /** 172: stops the motor; returns the coins that were still to pay. The hopper must be enabled again. */
  async emergencyStop(): Promise<number> {
    const [left = 0] = parse(this.t, bytes(1, 'emergency stop'), await this.t.request(H.emergencyStop), 'emergency stop');
    return left;
  }

  /** 1: the device ACKs, then resets (disabled, event counter 0); `waitMs` covers its reset time. */
  async reset(waitMs = 0): Promise<void> {
    parse(this.t, ack, await this.t.request(H.reset), 'reset');
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  }
}

/** The event counter after one accepted dispense: 1..255, wrapping 255 → 1 (0 only after power-up/reset). */
export function nextEventCounter(ev: number): number {
  return ev >= 255 ? 1 : ev + 1;
}
