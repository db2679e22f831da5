import { SerialPortMock } from 'serialport';
import type { HopperSimulator } from '../../sim/hopper/simulator';
import type { Rng } from './rng';

/**
 * A mutating serial line between the ccTalk driver and the hopper simulator (issue 8 "Fuzzing"):
 * the host's bytes reach the simulator intact (so every 167 the simulator counts is one the driver
 * sent), and the simulator's replies are mutated on their way back: noise between or within replies,
 * corrupted checksums, wrong lengths, foreign addresses, truncated frames, duplicated replies,
 * replies meant for another header, single bit flips, dropped and late replies.
 */
export const LINE_MUTATIONS = ['noise_before', 'noise_within', 'checksum', 'length', 'length_fixed', 'foreign_address', 'truncate', 'duplicate',
  'wrong_header', 'bit_flip', 'drop', 'late'] as const;
export type LineMutation = (typeof LINE_MUTATIONS)[number];

/** The latest a 'late' reply arrives after the hopper produced it (a 'duplicate' comes at most 40 ms after). */
export const LATE_MAX_MS = 400;
/**
 * The driver's `staleReplyMs` in the fuzz rigs: longer than any late reply this line makes, so that
 * "no anomaly for this long" really means no stale reply is on its way (the driver's default, 1 s, is
 * for real hardware; a shorter one keeps the fuzz run fast).
 */
export const STALE_REPLY_MS = LATE_MAX_MS + 100;

export interface LineStats {
  replies: number;
  mutated: Partial<Record<LineMutation, number>>;
  noiseBursts: number;
}

/** The checksum byte that makes a simple-checksum frame sum to 0 mod 256. */
function fixChecksum(frame: Buffer): Buffer {
  const sum = frame.subarray(0, -1).reduce((s, b) => s + b, 0);
  frame[frame.length - 1] = (256 - (sum % 256)) % 256;
  return frame;
}

export class MutatingLine {
  readonly stats: LineStats = { replies: 0, mutated: {}, noiseBursts: 0 };
  /** Off: replies pass untouched (used to settle on a clean line at the end of a case). */
  enabled = true;
  private lastHeader = -1;
  private readonly lastReplyByHeader = new Map<number, Buffer>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly rng: Rng,
    /** Chance that one reply is mutated. */
    private readonly rate: number,
    private readonly allowed: readonly LineMutation[] = LINE_MUTATIONS,
  ) {}

  /** Host → device bytes (intact); remembers the header of the command on the wire. */
  fromHost(b: Buffer): void {
    if (b.length >= 4) this.lastHeader = b[3]!;
  }

  /** Device → host: `send` puts bytes on the wire now or later. */
  fromDevice(reply: Buffer, send: (b: Buffer) => void): void {
    this.stats.replies++;
    const header = this.lastHeader;
    const genuine = Buffer.from(reply);
    const previousOther = [...this.lastReplyByHeader.entries()].filter(([h]) => h !== header);
    this.lastReplyByHeader.set(header, genuine);
    if (!this.enabled || !this.rng.chance(this.rate)) return send(reply);
    const m = this.rng.pick(this.allowed);
    this.stats.mutated[m] = (this.stats.mutated[m] ?? 0) + 1;
    const f = Buffer.from(reply);
    const at = (n: number) => this.rng.int(0, Math.max(0, n));
    switch (m) {
      case 'noise_before': return send(Buffer.concat([this.rng.bytes(this.rng.int(1, 12)), f]));
      case 'noise_within': {
        const i = at(f.length);
        return send(Buffer.concat([f.subarray(0, i), this.rng.bytes(this.rng.int(1, 6)), f.subarray(i)]));
      }
      case 'checksum': f[f.length - 1] = (f[f.length - 1]! + this.rng.int(1, 255)) & 0xff; return send(f);
      case 'length': if (f.length > 1) f[1] = (f[1]! + this.rng.int(1, 255)) & 0xff; return send(f);
      case 'length_fixed': if (f.length > 1) f[1] = (f[1]! + this.rng.int(1, 255)) & 0xff; return send(fixChecksum(f));
      case 'foreign_address': {
        const which = this.rng.chance(0.5) ? 0 : 2;
        f[which] = (f[which]! + this.rng.int(1, 250)) & 0xff;
        return send(this.rng.chance(0.7) ? fixChecksum(f) : f);
      }
      case 'truncate': return send(f.subarray(0, at(f.length - 1)));
      case 'duplicate': {
        send(f);
        return this.later(this.rng.int(0, 40), () => send(Buffer.from(f)));
      }
      case 'wrong_header': {
        if (previousOther.length === 0) return send(f);
        return send(Buffer.from(this.rng.pick(previousOther)[1]));
      }
      case 'bit_flip': {
        const i = at(f.length - 1);
        f[i] = f[i]! ^ (1 << this.rng.int(0, 7)); // one bit: the simple checksum always catches it
        return send(f);
      }
      case 'drop': return;
      default: return this.later(this.rng.int(50, LATE_MAX_MS), () => send(f));
    }
  }

  /** Random bytes on the wire at random moments (a noisy line), until stop(). */
  noise(send: (b: Buffer) => void, everyMs: number): void {
    const tick = () => {
      if (this.enabled) {
        this.stats.noiseBursts++;
        send(this.rng.bytes(this.rng.int(1, 8)));
      }
      this.later(this.rng.int(1, everyMs * 2), tick);
    };
    this.later(this.rng.int(1, everyMs), tick);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

/**
 * A binding-mock binding whose ports talk to `sim` through `line` (the simulator must have
 * `echo: false`: binding-mock echoes the host's bytes itself).
 */
export function mutatingMockBinding(sim: HopperSimulator, line: MutatingLine, noiseEveryMs = 0): typeof SerialPortMock.binding {
  const mock = SerialPortMock.binding;
  return {
    ...mock,
    async open(options: Parameters<typeof mock.open>[0]) {
      const port = await mock.open(options);
      const write = port.write.bind(port);
      const toHost = (b: Buffer) => void (port.isOpen && port.emitData(b));
      port.write = async (b: Buffer) => {
        await write(b);
        line.fromHost(Buffer.from(b));
        sim.receive(Buffer.from(b));
      };
      sim.attach({ write: (b: Buffer) => line.fromDevice(Buffer.from(b), toHost), on: () => undefined, off: () => undefined });
      if (noiseEveryMs) line.noise(toHost, noiseEveryMs);
      return port;
    },
  };
}
