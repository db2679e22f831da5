import type { Logger } from 'pino';
import { type ChecksumMode, type Frame, HOST_ADDRESS, encodeFrame, toHex } from './frame';
import { FrameParser } from './frame-parser';
import { CcTalkError, type CcTalkErrorCode } from './errors';

/** Any duplex byte stream: a serialport SerialPort on a tty or pty, SerialPortMock, a stream pair. */
export interface ByteDuplex {
  write(chunk: Buffer, cb?: (err?: Error | null) => void): boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

export interface TransportOptions {
  /** Device address (3 = first hopper). */
  address?: number;
  hostAddress?: number;
  /** Local echo on the shared data wire (part 4 FAQ 1.2.11); on by default. */
  echo?: boolean;
  checksum?: ChecksumMode;
  replyTimeoutMs?: number;
  /** Retries for read-only and idempotent commands (never for 167). */
  retries?: number;
  retryDelayMs?: number;
  /**
   * How late a reply may still arrive after its command failed (default max(1 s, 4 × replyTimeoutMs)).
   * ccTalk replies carry no sequence number (part 1 §12), so until this long after the last line
   * anomaly a frame may be a stale answer to an earlier command: see `awaitClean`.
   */
  staleReplyMs?: number;
  /** After an anomaly the next command waits until the line was silent this long (default 50 ms, part 1 §11.1). */
  quietGapMs?: number;
  now?: () => number;
  log?: Logger;
}

/** Headers that only read state: safe to send again when a reply is lost. */
export const READ_ONLY_HEADERS: ReadonlySet<number> = new Set([254, 246, 245, 244, 242, 241, 236, 217, 168, 166, 163]);
/**
 * Commands that change state but mean the same when sent twice, retried like reads: 164 enable or
 * disable, 161 pump RNG and 160 request cipher key (a new key; no 167 has left yet), 172 emergency stop.
 */
export const IDEMPOTENT_HEADERS: ReadonlySet<number> = new Set([164, 161, 160, 172]);
/** Dispense hopper coins: a lost reply is decided from the counters, never by re-sending (cctalk-hopper.md). */
export const DISPENSE_HEADER = 167;
const RETRYABLE: ReadonlySet<CcTalkErrorCode> = new Set(['timeout', 'line', 'busy']);

interface Pending {
  echo: Buffer;
  echoPos: number;
  resolve: (f: Frame) => void;
  reject: (e: CcTalkError) => void;
}

/**
 * One ccTalk command on the wire at a time. Echo is removed by count and compared; frames for other
 * addresses and garbage are skipped; silence becomes a typed `timeout`. Read-only commands are retried
 * (default 3 times); 167 is sent exactly once per call.
 */
export class CcTalkTransport {
  private readonly o: Required<Omit<TransportOptions, 'log'>> & { log?: Logger };
  private readonly parser: FrameParser;
  private pending: Pending | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private lost: CcTalkError | null = null;
  private lastAnomalyAt = Number.NEGATIVE_INFINITY;
  private lastByteAt = Number.NEGATIVE_INFINITY;
  private flushNeeded = false;
  /** Line anomalies seen so far (timeouts, echo errors, stray or extra replies, wrong-shape replies). */
  anomalies = 0;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);

  constructor(
    private readonly stream: ByteDuplex,
    opts: TransportOptions = {},
  ) {
    this.o = {
      address: opts.address ?? 3,
      hostAddress: opts.hostAddress ?? HOST_ADDRESS,
      echo: opts.echo ?? true,
      checksum: opts.checksum ?? 'simple',
      replyTimeoutMs: opts.replyTimeoutMs ?? 250,
      retries: opts.retries ?? 3,
      retryDelayMs: opts.retryDelayMs ?? 60,
      staleReplyMs: opts.staleReplyMs ?? Math.max(1000, 4 * (opts.replyTimeoutMs ?? 250)),
      quietGapMs: opts.quietGapMs ?? 50,
      now: opts.now ?? (() => performance.now()),
      log: opts.log,
    };
    this.parser = new FrameParser({ mode: this.o.checksum, now: this.o.now });
    stream.on('data', this.onData);
  }

  get address(): number {
    return this.o.address;
  }

  /** How late a reply may still arrive after its command (see `TransportOptions.staleReplyMs`). */
  get staleReplyMs(): number {
    return this.o.staleReplyMs;
  }

  /** The monotonic clock the line's times are measured on (ms). */
  now(): number {
    return this.o.now();
  }

  /** Sends `header` with `data`; resolves with the device's reply frame (header 0). */
  request(header: number, data: ArrayLike<number> = [], opts: { timeoutMs?: number } = {}): Promise<Frame> {
    const safe = READ_ONLY_HEADERS.has(header) || IDEMPOTENT_HEADERS.has(header);
    const maxRetries = header !== DISPENSE_HEADER && safe ? this.o.retries : 0;
    const run = async (): Promise<Frame> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.once(header, Uint8Array.from(data), opts.timeoutMs ?? this.o.replyTimeoutMs);
        } catch (e) {
          if (!(e instanceof CcTalkError) || !RETRYABLE.has(e.code) || attempt >= maxRetries || this.closed || this.lost) throw e;
          this.o.log?.warn({ header, attempt: attempt + 1, reason: e.code }, 'ccTalk retry of a read-only command');
          await new Promise((r) => setTimeout(r, this.o.retryDelayMs));
        }
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Something on the line broke the one-command-one-reply pairing (a timeout, an echo error, a reply
   * while idle, a reply of the wrong shape): a stale reply may be on its way. Frames answered from
   * now until `staleReplyMs` later may be stale; the next command first waits for a quiet gap.
   */
  markSuspect(reason: string): void {
    this.anomalies++;
    this.lastAnomalyAt = this.o.now();
    this.flushNeeded = true;
    this.o.log?.debug({ reason, anomalies: this.anomalies }, 'ccTalk line anomaly: replies may be stale for a while');
  }

  /** True when no anomaly happened for `staleReplyMs`: no stale reply can still be on its way. */
  isClean(): boolean {
    return this.o.now() - this.lastAnomalyAt >= this.o.staleReplyMs;
  }

  /**
   * Waits until the line is clean (see `isClean`), at most `maxWaitMs`. A reply read after this, with
   * `anomalies` unchanged across the read, answers the command just sent: the only way to tell a
   * fresh "nothing changed" from a stale one, since ccTalk frames carry no sequence number.
   */
  async awaitClean(maxWaitMs: number): Promise<boolean> {
    const until = this.o.now() + maxWaitMs;
    for (;;) {
      if (this.closed || this.lost) return false;
      const left = this.lastAnomalyAt + this.o.staleReplyMs - this.o.now();
      if (left <= 0) return true;
      if (this.o.now() + left > until) return false;
      await new Promise((r) => setTimeout(r, Math.ceil(left)));
    }
  }

  /**
   * The device went away (port closed under us, EIO): the command on the wire and every later one
   * reject at once with code 'disconnected' instead of waiting for their timeouts.
   */
  disconnect(reason: string): void {
    if (this.closed || this.lost) return;
    this.lost = new CcTalkError('disconnected', `the serial device is gone (${reason}): check the USB cable; the kiosk reconnects by itself`);
    this.stream.off('data', this.onData);
    this.pending?.reject(this.lost);
  }

  /** Stops listening; the command on the wire and all queued ones reject with code 'closed'. */
  close(): void {
    this.closed = true;
    this.stream.off('data', this.onData);
    this.pending?.reject(new CcTalkError('closed', 'ccTalk transport closed'));
  }

  /**
   * After an anomaly a late reply may still be arriving: wait until the line was silent for
   * `quietGapMs` (bytes arriving meanwhile are dropped, as stray frames), at most one reply timeout.
   */
  private async flush(timeoutMs: number): Promise<void> {
    if (!this.flushNeeded) return;
    this.flushNeeded = false;
    const end = this.o.now() + timeoutMs;
    for (;;) {
      const quietFor = this.o.now() - this.lastByteAt;
      if (quietFor >= this.o.quietGapMs || this.o.now() >= end || this.closed || this.lost) return;
      await new Promise((r) => setTimeout(r, Math.ceil(Math.min(this.o.quietGapMs - quietFor, end - this.o.now())) + 1));
    }
  }

  private async once(header: number, data: Uint8Array, timeoutMs: number): Promise<Frame> {
    await this.flush(timeoutMs);
    if (this.lost) return Promise.reject(this.lost); // before 'closed': the port is closed because it was lost
    if (this.closed) return Promise.reject(new CcTalkError('closed', 'ccTalk transport closed'));
    const frame = encodeFrame({ dest: this.o.address, src: this.o.hostAddress, header, data }, this.o.checksum);
    this.parser.reset();
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => answer(this.timeoutError(header)), timeoutMs);
      const answer = (result: Frame | CcTalkError): void => {
        if (this.pending !== p) return;
        clearTimeout(timer);
        this.pending = null;
        // a command without its one reply leaves that reply (or someone else's) on its way
        if (result instanceof CcTalkError && (result.code === 'timeout' || result.code === 'line')) this.markSuspect(`header ${header}: ${result.code}`);
        if (result instanceof CcTalkError) reject(result);
        else resolve(result);
      };
      const p: Pending = { echo: this.o.echo ? frame : Buffer.alloc(0), echoPos: 0, resolve: answer, reject: answer };
      this.pending = p;
      this.o.log?.trace({ tx: toHex(frame) }, 'ccTalk send');
      this.stream.write(frame, (err) => {
        if (err) answer(new CcTalkError('write', `could not write to the serial port: ${err.message}; check the port is open`, { cause: err }));
      });
    });
  }

  private timeoutError(header: number): CcTalkError {
    const p = this.pending;
    if (p && p.echoPos < p.echo.length) {
      return new CcTalkError('line', `no complete echo of header ${header} (${p.echoPos}/${p.echo.length} bytes): check the serial adapter and the echo setting`);
    }
    return new CcTalkError('timeout', `no reply from device ${this.o.address} to header ${header}: check cable, power and the address setting`);
  }

  private receive(chunk: Buffer): void {
    this.lastByteAt = this.o.now();
    const p = this.pending;
    if (!p) {
      this.o.log?.debug({ rx: toHex(chunk) }, 'ccTalk bytes while idle dropped');
      // a whole reply with nobody asking is a late or duplicated one: later replies may be stale too
      if (this.parser.push(chunk).some((f) => this.fromDevice(f))) this.markSuspect('reply while idle');
      return;
    }
    let i = 0;
    while (p.echoPos < p.echo.length && i < chunk.length) {
      if (chunk[i] !== p.echo[p.echoPos]) {
        p.reject(new CcTalkError('line', `echo mismatch at byte ${p.echoPos}: the data line is broken or another device is talking; check the cable`));
        return;
      }
      p.echoPos++;
      i++;
    }
    if (i >= chunk.length) return;
    const frames = this.parser.push(chunk.subarray(i)).filter((f) => this.fromDevice(f));
    const f = frames.find((x) => x.header === 0 || x.header === 5 || x.header === 6);
    // two replies to one command, or a frame no command of ours is answered with: something is stale
    if (frames.length > 1 || (frames.length > 0 && !f)) this.markSuspect('unexpected or extra reply frame');
    if (!f) return;
    if (f.header === 0) return p.resolve(f);
    if (f.header === 5) return p.reject(new CcTalkError('nak', `device ${this.o.address} refused the command (NAK)`));
    return p.reject(new CcTalkError('busy', `device ${this.o.address} is busy`));
  }

  /** A frame from our device to the host. */
  private fromDevice(f: Frame): boolean {
    return f.dest === this.o.hostAddress && (this.o.checksum !== 'simple' || f.src === this.o.address);
  }
}
