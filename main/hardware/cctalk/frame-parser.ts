import { type ChecksumMode, type Frame, INTER_BYTE_RESET_MS, MAX_DATA, decodeFrame, frameIsValid } from './frame';

export interface FrameParserOptions {
  mode?: ChecksumMode;
  /** Milliseconds from any monotonic origin; injected so tests decide the gaps. */
  now: () => number;
  gapMs?: number;
}

/**
 * A pure streaming ccTalk frame cutter: feed it byte chunks, it returns whole frames whose
 * checksum holds. Rules (part 1 §11.1, §12):
 * - a gap longer than 50 ms between bytes discards the partial frame held so far;
 * - bytes that cannot start a valid frame (garbage, a bad checksum) are dropped, and the parser
 *   re-synchronises on the next byte that starts a valid frame.
 */
export class FrameParser {
  private buf: number[] = [];
  private lastByteAt = Number.NEGATIVE_INFINITY;
  private readonly mode: ChecksumMode;
  private readonly gapMs: number;
  /** Bytes discarded so far (garbage, bad checksums, gap resets) — for diagnostics. */
  dropped = 0;

  constructor(private readonly opts: FrameParserOptions) {
    this.mode = opts.mode ?? 'simple';
    this.gapMs = opts.gapMs ?? INTER_BYTE_RESET_MS;
  }

  reset(): void {
    this.dropped += this.buf.length;
    this.buf = [];
  }

  push(chunk: Uint8Array): Frame[] {
    if (chunk.length === 0) return [];
    const t = this.opts.now();
    if (this.buf.length > 0 && t - this.lastByteAt > this.gapMs) this.reset();
    this.lastByteAt = t;
    for (const b of chunk) this.buf.push(b);
    const frames: Frame[] = [];
    for (let f = this.takeFrame(); f; f = this.takeFrame()) frames.push(f);
    this.dropHopelessPrefix();
    return frames;
  }

  /** Finds the first offset that starts a complete valid frame; drops what precedes it. */
  private takeFrame(): Frame | null {
    const buf = this.buf;
    for (let i = 0; i + 5 <= buf.length; i++) {
      const n = buf[i + 1] ?? 0;
      if (n > MAX_DATA || i + n + 5 > buf.length) continue;
      const candidate = Uint8Array.from(buf.slice(i, i + n + 5));
      if (!frameIsValid(candidate, this.mode)) continue;
      this.dropped += i;
      this.buf = buf.slice(i + n + 5);
      return decodeFrame(candidate, this.mode);
    }
    return null;
  }

  /** A complete-but-invalid frame (or an impossible length) at the front can never become valid. */
  private dropHopelessPrefix(): void {
    while (this.buf.length >= 2) {
      const n = this.buf[1] ?? 0;
      if (n <= MAX_DATA && this.buf.length < n + 5) return;
      this.buf.shift();
      this.dropped += 1;
    }
  }
}
