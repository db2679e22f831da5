import { CodedError } from '../../../contract/coded-error';

/**
 * Transport and device errors. `code` says what happened, the message what a person does next.
 * - timeout: the device said nothing (part 1 §12: silence answers a bad checksum, a wrong address
 *   or an unknown header) — check cable, power and address.
 * - line: the echo did not match what was sent (part 4 FAQ 1.2.11) — a broken or noisy line.
 * - nak / busy: the device refused (NAK, header 5) or is busy (header 6).
 * - bad_reply: a reply whose data does not have the documented shape.
 * - closed: the transport was closed while the command waited.
 * - disconnected: the serial device went away (USB unplugged, EIO) — plug it back in; the dispenser reconnects.
 */
export type CcTalkErrorCode = 'timeout' | 'line' | 'nak' | 'busy' | 'bad_reply' | 'closed' | 'write' | 'disconnected';

export class CcTalkError extends CodedError<CcTalkErrorCode> {
  constructor(code: CcTalkErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CcTalkError';
  }
}

export function isCcTalkError(e: unknown, code?: CcTalkErrorCode): e is CcTalkError {
  return e instanceof CcTalkError && (code === undefined || e.code === code);
}
