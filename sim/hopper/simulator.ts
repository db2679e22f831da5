import { type Frame, HOST_ADDRESS, encodeFrame } from '../../main/hardware/cctalk/frame';
import { FrameParser } from '../../main/hardware/cctalk/frame-parser';
import { type HopperEeprom, type HopperSimFaults, type HopperSimOptions, NO_FAULTS } from './sim-types';

export type { HopperEeprom, HopperSimFaults, HopperSimOptions, HopperSimulatorOptions } from './sim-types';

type Reply = number[] | 'nak' | null;
interface Sink {
  write(b: Buffer): void;
}
interface DuplexLike {
  write(b: Buffer): unknown;
  on(e: 'data', l: (b: Buffer) => void): unknown;
  off(e: 'data', l: (b: Buffer) => void): unknown;
}
/** The part of @serialport/binding-mock's MockPortBinding the simulator needs. */
interface MockPortLike {
  write(b: Buffer): Promise<void>;
  emitData(b: Buffer): void;
  isOpen: boolean;
}

/** The counter a 167 reply carries: the new one, also when the payout (and the 166 view of it) starts late. */
function nextCounter(ev: number, pending: boolean): number {
  return pending ? (ev >= 255 ? 1 : ev + 1) : ev;
}

const GARBAGE = [0xff, 0x13, 0x37, 0x00, 0xaa, 0x55, 0x01, 0xfe];

/**
 * A ccTalk payout hopper (cctalk-hopper.md "What a faithful simulator reproduces"). It keeps its own
 * count of coins that physically left it (`coinsOut`), which tests compare with the kiosk's journal.
 */
export class HopperSimulator {
  readonly faults: HopperSimFaults;
  readonly eeprom: HopperEeprom;
  coinsOut = 0;
  inventory: number;
  enabled = false;
  eventCounter = 0;
  powered = true;
  /** 167 commands accepted since the simulator started (tests assert "no second 167"). */
  dispenseCommands = 0;
  /** Coins asked for by each accepted 167, in order (tests assert a retry asks only the remainder). */
  readonly dispenseLog: number[] = [];
  /** Frames for this address seen per header, accepted or not (tests wait for "the hopper saw the 167"). */
  readonly seen = new Map<number, number>();
  /**
   * Observation taps for test harnesses (the chaos runner kills the kiosk at named moments).
   * `frame` runs before a frame for this address is handled; returning 'drop' makes the hopper
   * never see it. `handled` runs right after it was handled, before the reply leaves. `coin` runs
   * after each coin left the hopper.
   */
  readonly taps: {
    frame?: (header: number) => 'drop' | void;
    handled?: (header: number) => void;
    coin?: (coinsOut: number) => void;
  } = {};
  private remaining = 0;
  private paid = 0;
  private unpaid = 0;
  private flags = { jam: false, timeout: false, powerUp: true, powerDownInPayout: false };
  private cipherReady = false;
  /** A 167 was accepted and its payout has not started yet (`faults.lateCounterMs`). */
  private accepting = false;
  private stalled = false;
  /** 161 (pump RNG) seen since the last 167; a build with `needsRngPump` refuses the 8-byte form without it. */
  private rngPumped = false;
  /** Bumped by every power-up or reset. */
  private epoch = 0;
  private idleMs = 0;
  private coinTimer: NodeJS.Timeout | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private sinks: Sink[] = [];
  private readonly parser: FrameParser;
  private readonly o: Required<Omit<HopperSimOptions, 'eeprom' | 'faults' | 'coins'>>;

  constructor(opts: HopperSimOptions = {}) {
    this.o = {
      address: opts.address ?? 3,
      serial: opts.serial ?? 345678,
      manufacturer: opts.manufacturer ?? 'RoluSim',
      category: opts.category ?? 'Payout',
      product: opts.product ?? 'SIM-HOPPER',
      software: opts.software ?? 'sim-1.0',
      echo: opts.echo ?? true,
      checksum: opts.checksum ?? 'simple',
      coinsPerSecond: opts.coinsPerSecond ?? 7,
      inventory: opts.inventory ?? opts.coins ?? 1000,
      payoutTimeoutMs: opts.payoutTimeoutMs ?? 0,
      dispenseForm: opts.dispenseForm ?? 'serial',
      replyForm: opts.replyForm ?? 'event_counter',
      needsRngPump: opts.needsRngPump ?? false,
      lowLevel: opts.lowLevel ?? 20,
      replyDelayMs: opts.replyDelayMs ?? 2,
      now: opts.now ?? (() => performance.now()),
    };
    this.inventory = this.o.inventory;
    this.eeprom = { dispenseCount: 0, lastPaid: 0, lastUnpaid: 0, ...opts.eeprom };
    this.faults = { ...NO_FAULTS, ...opts.faults };
    this.parser = new FrameParser({ mode: this.o.checksum, now: this.o.now });
  }

  get serial(): number {
    return this.o.serial;
  }
  get paying(): boolean {
    return this.remaining > 0;
  }
  private get coinPeriodMs(): number {
    return Math.max(1, Math.round(1000 / this.o.coinsPerSecond));
  }

  /** Attaches to a duplex byte stream (a serialport SerialPort on the pty's side B, a stream pair). */
  attach(stream: DuplexLike): () => void {
    const onData = (b: Buffer): void => this.receive(b);
    const sink: Sink = { write: (b) => void stream.write(b) };
    stream.on('data', onData);
    this.sinks.push(sink);
    return () => {
      stream.off('data', onData);
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  /** Attaches to a binding-mock port: sees what the host writes, answers with emitData. */
  attachMockPort(port: MockPortLike): void {
    const write = port.write.bind(port);
    port.write = async (b: Buffer) => {
      await write(b);
      this.receive(Buffer.from(b));
    };
    this.sinks.push({ write: (b) => port.isOpen && port.emitData(b) });
  }

  /** Bytes arriving on the data wire. */
  receive(bytes: Buffer): void {
    if (this.o.echo) this.transmit(bytes);
    if (!this.powered) return;
    for (const frame of this.parser.push(bytes)) {
      if (frame.dest !== this.o.address) continue; // part 1 §12: silence for another address
      this.seen.set(frame.header, (this.seen.get(frame.header) ?? 0) + 1);
      const arm = this.faults.armOn;
      if (arm && arm.header === frame.header) {
        this.faults.armOn = null;
        Object.assign(this.faults, arm.faults);
      }
      if (this.taps.frame?.(frame.header) === 'drop') continue;
      const reply = this.handle(frame);
      this.taps.handled?.(frame.header);
      this.answer(reply, frame.header);
    }
  }

  /** Power drops (motor stops, RAM lost) and comes back after offMs; EEPROM counters survive. */
  powerCycle(offMs: number): Promise<void> {
    if (this.paying) this.flags.powerDownInPayout = true;
    this.stopMotor();
    this.powered = false;
    this.parser.reset();
    return new Promise((resolve) => {
      this.later(offMs, () => {
        this.powered = true;
        this.powerUpState();
        this.flags.powerUp = true;
        resolve();
      });
    });
  }

  /**
   * Another hopper takes this one's place behind the same port while the power is off (offMs): a new
   * serial number and its own EEPROM counters. Coins already out stay counted in `coinsOut`.
   */
  swap(serial: number, offMs: number, eeprom: Partial<HopperEeprom> = {}): Promise<void> {
    const done = this.powerCycle(offMs);
    (this.o as { serial: number }).serial = serial;
    Object.assign(this.eeprom, { dispenseCount: 0, lastPaid: 0, lastUnpaid: 0, ...eeprom });
    return done;
  }

  stop(): void {
    this.stopMotor();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.sinks = [];
  }

  private powerUpState(): void {
    this.epoch++;
    this.accepting = false;
    this.eventCounter = 0;
    this.enabled = false;
    this.remaining = 0;
    this.paid = this.eeprom.lastPaid;
    this.unpaid = this.eeprom.lastUnpaid;
    this.cipherReady = false;
  }

  private handle(f: Frame): Reply {
    const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
    const le24 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
    switch (f.header) {
      case 254: return [];
      case 246: return ascii(this.o.manufacturer);
      case 245: return ascii(this.o.category);
      case 244: return ascii(this.o.product);
      case 241: return ascii(this.o.software);
      case 242: return le24(this.o.serial);
      case 164: this.enabled = f.data[0] === 0xa5; return [];
      case 163: return this.testRegisters();
      case 217: return [16 | (this.bowl() < this.o.lowLevel ? 1 : 0)];
      case 168: return le24(this.eeprom.dispenseCount & 0xffffff);
      case 166: return [this.eventCounter, this.remaining, this.paid, this.unpaid];
      case 161: this.rngPumped = f.data.length === 8; return f.data.length === 8 ? [] : 'nak';
      case 160: this.cipherReady = true; return [0, 0, 0, 0, 0, 0, 0, 0];
      case 167: return this.dispense(f.data);
      case 172: return [this.emergencyStop()];
      case 1: this.later(1, () => this.reset()); return [];
      default: return null; // unknown header: silence (part 1 §12)
    }
  }

  private testRegisters(): number[] {
    const f = this.flags;
    const r1 = (f.jam ? 1 : 0) | (f.timeout ? 2 : 0) | (f.powerUp ? 64 : 0) | (this.enabled ? 0 : 128);
    f.powerUp = false; // reported once
    return [r1, 0, f.powerDownInPayout ? 1 : 0];
  }

  private bowl(): number {
    return this.faults.empty ? 0 : this.inventory;
  }

  private dispense(data: Uint8Array): Reply {
    const serialForm = this.o.dispenseForm === 'serial';
    if (data.length !== (serialForm ? 4 : 9)) return 'nak';
    if (serialForm && (data[0]! | (data[1]! << 8) | (data[2]! << 16)) !== this.o.serial) return 'nak';
    if (!serialForm && !this.cipherReady) return 'nak';
    if (!serialForm && this.o.needsRngPump && !this.rngPumped) return 'nak';
    this.cipherReady = false;
    this.rngPumped = false;
    const n = data[data.length - 1] ?? 0;
    if (n === 0 || !this.enabled || this.paying || this.accepting || this.flags.jam) return 'nak';
    this.dispenseCommands++;
    this.dispenseLog.push(n);
    this.accepting = true;
    const epoch = this.epoch;
    const start = (): void => {
      if (epoch !== this.epoch || !this.powered) return; // a reset or power cut came first: RAM state is gone
      this.accepting = false;
      this.eventCounter = this.eventCounter >= 255 ? 1 : this.eventCounter + 1;
      this.remaining = n;
      this.paid = 0;
      this.unpaid = 0;
      this.flags.timeout = false;
      this.eeprom.lastPaid = 0;
      this.eeprom.lastUnpaid = n;
      this.idleMs = 0;
      this.coinTimer = setInterval(() => this.motorTick(), this.coinPeriodMs);
    };
    if (this.faults.lateCounterMs > 0) this.later(this.faults.lateCounterMs, start);
    else start();
    if (this.faults.dropReplyAfterPaying) {
      this.faults.dropReplyAfterPaying = false;
      return null;
    }
    return this.o.replyForm === 'ack' ? [] : [nextCounter(this.eventCounter, this.accepting)];
  }

  /** One coin period of the motor: pay a coin, or jam, or time out on an empty bowl. */
  private motorTick(): void {
    const pc = this.faults.powerCycleMidPayout;
    if (pc && this.paid >= pc.afterCoins) {
      this.faults.powerCycleMidPayout = null;
      void this.powerCycle(pc.offMs);
      return;
    }
    if (this.faults.jamAfterCoins !== null && this.paid >= this.faults.jamAfterCoins) {
      this.faults.jamAfterCoins = null;
      this.flags.jam = true;
      return this.endPayout();
    }
    if (this.faults.stallAfterCoins !== null && this.paid >= this.faults.stallAfterCoins) {
      this.faults.stallAfterCoins = null;
      this.stalled = true;
    }
    if (this.stalled) return; // the motor turns, no coin leaves, no flag: only the host's time limit ends it
    if (this.bowl() === 0) {
      this.idleMs += this.coinPeriodMs;
      if (this.idleMs >= (this.o.payoutTimeoutMs || 3 * this.coinPeriodMs)) {
        this.flags.timeout = true;
        this.endPayout();
      }
      return;
    }
    this.inventory--;
    this.coinsOut++;
    this.remaining--;
    this.paid++;
    this.eeprom.dispenseCount++;
    this.eeprom.lastPaid = this.paid;
    this.eeprom.lastUnpaid = this.remaining;
    if (this.remaining === 0) this.endPayout();
    this.taps.coin?.(this.coinsOut);
  }

  private endPayout(): void {
    this.unpaid = this.remaining;
    this.eeprom.lastUnpaid = this.unpaid;
    this.remaining = 0;
    this.stopMotor();
  }

  private emergencyStop(): number {
    if (this.accepting) [this.epoch, this.accepting] = [this.epoch + 1, false]; // a late start never comes
    const left = this.remaining;
    if (this.paying) this.endPayout();
    this.enabled = false;
    return left;
  }

  private reset(): void {
    if (this.paying) this.endPayout();
    this.powerUpState();
    this.flags = { jam: false, timeout: false, powerUp: false, powerDownInPayout: false };
  }

  private stopMotor(): void {
    this.stalled = false;
    if (this.coinTimer) clearInterval(this.coinTimer);
    this.coinTimer = null;
  }

  private answer(reply: Reply, header: number): void {
    if (reply === null || this.faults.silent) return;
    let lateMs = this.faults.answerLateMs || this.o.replyDelayMs;
    const late = this.faults.lateReplyTo;
    if (late && late.header === header) {
      this.faults.lateReplyTo = null;
      lateMs = late.ms;
    }
    const frame = encodeFrame({ dest: HOST_ADDRESS, src: this.o.address, header: reply === 'nak' ? 5 : 0, data: Uint8Array.from(reply === 'nak' ? [] : reply) }, this.o.checksum);
    if (this.faults.corruptChecksum > 0) {
      this.faults.corruptChecksum--;
      frame[frame.length - 1] = (frame[frame.length - 1]! + 1) & 0xff;
    }
    let out: Buffer = frame;
    if (this.faults.sendGarbage > 0) {
      const garbage = Array.from({ length: this.faults.sendGarbage }, (_, i) => GARBAGE[i % GARBAGE.length]!);
      this.faults.sendGarbage = 0;
      out = Buffer.concat([Buffer.from(garbage), frame]);
    }
    this.later(lateMs, () => this.powered && this.transmit(out));
  }

  private transmit(b: Buffer): void {
    for (const s of this.sinks) s.write(b);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
