/**
 * ccTalk frames (Generic Specification part 1 §7–§9, cctalk-hopper.md "Frame"):
 *   [destination] [N = number of data bytes] [source] [header] [data × N] [checksum]
 *
 * - 'simple' (8-bit) checksum: every byte of the frame, checksum included, sums to 0 mod 256.
 * - 'crc16' variant: CRC-CCITT (poly 0x1021, init 0) over destination, N, header and data; its low
 *   byte sits in the source slot and its high byte is last, so a CRC frame carries no source address.
 *   'crc16_msb_first': the same CRC with its high byte in the source slot and its low byte last — the
 *   order of the example frames in cc-talk-rs's tests; public sources disagree (HOPPERS.md "CRC-16"),
 *   so both are selectable until a real CRC-mode device settles it.
 * - N ≤ 252 (a frame is at most 257 bytes, part 1 §7).
 */
import { z } from 'zod';

export const HOST_ADDRESS = 1;
export const MAX_DATA = 252;
/** A receiver drops a partial frame after this much silence between bytes (part 1 §11.1). */
export const INTER_BYTE_RESET_MS = 50;

export type ChecksumMode = 'simple' | 'crc16' | 'crc16_msb_first';
export const CHECKSUM_MODES = ['simple', 'crc16', 'crc16_msb_first'] as const;

export interface Frame {
  dest: number;
  /** Source address; for 'crc16' frames it is unknown and reported as -1. */
  src: number;
  header: number;
  data: Uint8Array;
}

const byte = z.number().int().min(0).max(255);
export const FrameInputSchema = z.object({
  dest: byte,
  src: byte,
  header: byte,
  data: z.instanceof(Uint8Array).refine((d) => d.length <= MAX_DATA, `at most ${MAX_DATA} data bytes`),
});

export class FrameError extends Error {
  readonly code = 'bad_frame';
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** CRC-CCITT (XModem form: poly 0x1021, init 0, no reflection). */
export function crc16(bytes: Iterable<number>): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function checksum8(bytes: Iterable<number>): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return (256 - sum) & 0xff;
}

export function encodeFrame(frame: Frame, mode: ChecksumMode = 'simple'): Buffer {
  const f = FrameInputSchema.parse(frame);
  const out = Buffer.alloc(f.data.length + 5);
  out[0] = f.dest;
  out[1] = f.data.length;
  out[3] = f.header;
  out.set(f.data, 4);
  if (mode === 'simple') {
    out[2] = f.src;
    out[out.length - 1] = checksum8(out.subarray(0, out.length - 1));
  } else {
    const [slot, last] = crcBytes(crc16([f.dest, f.data.length, f.header, ...f.data]), mode);
    out[2] = slot;
    out[out.length - 1] = last;
  }
  return out;
}

/** Whether `bytes` (exactly one whole frame) carries a valid checksum/CRC. */
export function frameIsValid(bytes: Uint8Array, mode: ChecksumMode = 'simple'): boolean {
  if (bytes.length < 5 || bytes.length !== (bytes[1] ?? 0) + 5) return false;
  if (mode === 'simple') return checksum8(bytes) === 0;
  const [slot, last] = crcBytes(crc16([bytes[0] ?? 0, bytes[1] ?? 0, ...bytes.subarray(3, bytes.length - 1)]), mode);
  return slot === bytes[2] && last === bytes[bytes.length - 1];
}

/** Where a CRC's two bytes go: [source slot, last byte] (module comment). */
function crcBytes(crc: number, mode: Exclude<ChecksumMode, 'simple'>): [number, number] {
  return mode === 'crc16' ? [crc & 0xff, crc >> 8] : [crc >> 8, crc & 0xff];
}

/** Decodes exactly one frame; throws FrameError on a wrong length or checksum. */
export function decodeFrame(bytes: Uint8Array, mode: ChecksumMode = 'simple'): Frame {
  if (bytes.length < 5) throw new FrameError(`a frame has at least 5 bytes, got ${bytes.length}`);
  if (bytes.length !== (bytes[1] ?? 0) + 5) throw new FrameError(`length byte says ${bytes[1]} data bytes but frame has ${bytes.length} bytes`);
  if (!frameIsValid(bytes, mode)) throw new FrameError(`${mode} checksum does not match`);
  return {
    dest: bytes[0] ?? 0,
    src: mode === 'simple' ? (bytes[2] ?? 0) : -1,
    header: bytes[3] ?? 0,
    data: Uint8Array.from(bytes.subarray(4, bytes.length - 1)),
  };
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ').toUpperCase();
}

export function fromHex(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}
